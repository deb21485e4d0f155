using Microsoft.Extensions.Options;
using Orders.Relay.Health;
using Orders.Relay.Lease;
using Orders.Relay.Outbox;

namespace Orders.Relay.Publishing;

/// <summary>
/// The relay loop. A standby tries to take the lease over every renewal interval. The holder reads up to a batch after
/// the saved position, produces it, waits for Kafka to acknowledge all of it, then saves the batch's last
/// transaction_id fenced by the lease's epoch. A crash anywhere before the save re-publishes at most that batch; no row
/// is passed over, because the position only moves past rows Kafka holds, and only the holder moves it.
/// </summary>
internal sealed class OutboxRelay(
    OutboxReader reader,
    OutboxPublisher publisher,
    RelayLeaseStore leases,
    RelayLease lease,
    OutboxCommitListener commits,
    RelayMetrics metrics,
    RelayProgress progress,
    IOptions<RelayOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Hand over at once only when nothing of ours can still reach Kafka after a standby starts; otherwise the
        // lease expires on its own after this process is gone.
        if (lease.Epoch > 0 && publisher.Flush(lease.RenewInterval))
        {
            try
            {
                await leases.ReleaseAsync(cancellationToken);
                Log.LeaseReleased(logger, options.Value.Name);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.LeaseReleaseFailed(logger, exception);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var created = false;
        var standingBy = false;
        long? position = null;
        Task<IReadOnlyList<OutboxRecord>>? nextBatch = null;
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (!created)
                    {
                        await leases.CreateAsync(stoppingToken);
                        created = true;
                    }

                    if (position is null)
                    {
                        position = await leases.TryAcquireAsync(stoppingToken);
                        if (position is null)
                        {
                            if (!standingBy)
                            {
                                Log.RelayStandingBy(logger, settings.Name, lease.HolderId);
                                standingBy = true;
                            }

                            // Standing by is a finished round too: the relay is healthy, ready to take over.
                            progress.RoundCompleted();
                            await Task.Delay(lease.RenewInterval, stoppingToken);
                            continue;
                        }

                        standingBy = false;
                        Log.LeaseAcquired(logger, settings.Name, lease.Epoch, position.Value, settings.Topic);
                    }

                    if (lease.RenewalDue && !await leases.RenewAsync(stoppingToken))
                    {
                        position = await LeaseLostAsync(nextBatch);
                        nextBatch = null;
                        continue;
                    }

                    var commit = commits.NextCommit;
                    var batch = await (nextBatch ?? reader.ReadAsync(position.Value, settings.BatchSize, stoppingToken));
                    nextBatch = null;
                    if (batch.Count > 0)
                    {
                        // The lease is checked before every batch: a relay that cannot prove it still holds the
                        // lease produces nothing, so it has stopped before any standby can start.
                        if ((lease.RenewalDue || !lease.IsHeld) && !await leases.RenewAsync(stoppingToken))
                        {
                            position = await LeaseLostAsync(nextBatch);
                            continue;
                        }

                        var acknowledged = publisher.PublishAsync(batch, stoppingToken);

                        // A full batch means more rows are likely waiting: read them while Kafka acknowledges this
                        // one. They are produced only after this batch's position is saved, so a failure still
                        // re-publishes at most one batch.
                        if (batch.Count == settings.BatchSize)
                        {
                            nextBatch = reader.ReadAsync(batch[^1].TransactionId, settings.BatchSize, stoppingToken);
                        }

                        await AcknowledgedWhileHoldingAsync(acknowledged, stoppingToken);
                        if (!await leases.SaveAsync(batch[^1].TransactionId, stoppingToken))
                        {
                            position = await LeaseLostAsync(nextBatch);
                            nextBatch = null;
                            continue;
                        }

                        position = batch[^1].TransactionId;
                        metrics.BatchPublished(batch.Count, batch[^1].CreatedAt);
                        Log.BatchPublished(logger, batch.Count, position.Value);
                    }

                    progress.RoundCompleted();
                    if (failures > 0)
                    {
                        Log.RelayRecovered(logger, failures);
                        failures = 0;
                    }

                    // Only an empty read waits: rows that committed while a batch was published are read at once.
                    // A notified commit that was not readable yet (an older transaction still runs) is polled for;
                    // otherwise the relay sleeps until the next commit, with a long poll as the safety net.
                    if (batch.Count == 0)
                    {
                        var wait = commits.IsListening && commits.NotifiedUpTo <= position
                            ? settings.IdlePollInterval
                            : settings.PollInterval;
                        wait = wait < lease.UntilRenewalDue ? wait : lease.UntilRenewalDue;
                        await Task.WhenAny(commit, Task.Delay(wait, stoppingToken));
                        stoppingToken.ThrowIfCancellationRequested();
                    }
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The read-ahead may have failed too, or may still run; it is dropped, and the retry reads again
                    // from the saved position. The lease is kept if a renewal still succeeds.
                    await DropAsync(nextBatch);
                    nextBatch = null;
                    failures++;
                    progress.RoundFailed();
                    var delay = RetryDelay(failures, settings.MaxRetryDelay);
                    Log.RelayFailed(logger, exception, failures, delay);
                    await Task.Delay(delay, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: an unsaved batch is published again by the next holder.
        }
    }

    /// <summary>
    /// Waits for Kafka's acknowledgement and keeps renewing the lease meanwhile. If the lease cannot be renewed before
    /// this relay stops trusting it while records are still in the producer, the process ends at once: those records
    /// must not reach Kafka after a standby started publishing, and only ending the process guarantees that.
    /// </summary>
    private async Task AcknowledgedWhileHoldingAsync(Task acknowledged, CancellationToken stoppingToken)
    {
        while (await Task.WhenAny(acknowledged, Task.Delay(lease.UntilRenewalDue, stoppingToken)) != acknowledged)
        {
            stoppingToken.ThrowIfCancellationRequested();
            try
            {
                if (await leases.RenewAsync(stoppingToken))
                {
                    continue;
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested && lease.IsHeld)
            {
                Log.LeaseRenewalFailed(logger, exception);
                await Task.WhenAny(acknowledged, Task.Delay(FirstRetryDelay, stoppingToken));
                continue;
            }
            catch (Exception) when (!stoppingToken.IsCancellationRequested && !acknowledged.IsCompleted)
            {
                // Falls through to the exit below: the lease has run out with records still pending.
            }

            if (!acknowledged.IsCompleted)
            {
                Log.LeaseLostWithRecordsPending(logger, options.Value.Name);
                Environment.FailFast("Orders.Relay lost its lease while records were still pending in the producer.");
            }
        }

        await acknowledged;
    }

    private async Task<long?> LeaseLostAsync(Task? nextBatch)
    {
        Log.LeaseLost(logger, options.Value.Name);
        await DropAsync(nextBatch);
        return null;
    }

    private static async Task DropAsync(Task? nextBatch)
    {
        if (nextBatch is not null)
        {
            await nextBatch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static TimeSpan RetryDelay(int failures, TimeSpan max)
    {
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(failures - 1, 16));
        return delay < max ? delay : max;
    }
}
