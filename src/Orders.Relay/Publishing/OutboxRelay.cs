using Microsoft.Extensions.Options;
using Orders.Relay.Health;
using Orders.Relay.Outbox;

namespace Orders.Relay.Publishing;

/// <summary>
/// The relay loop: read up to a batch after the saved position, produce it, wait for Kafka to acknowledge all of it,
/// then save the batch's last transaction_id. A crash anywhere before the save re-publishes at most that batch; no row
/// is passed over, because the position only moves past rows Kafka holds.
/// </summary>
internal sealed class OutboxRelay(
    OutboxReader reader,
    OutboxPublisher publisher,
    RelayPositionStore positions,
    RelayMetrics metrics,
    RelayProgress progress,
    IOptions<RelayOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        long? position = null;
        Task<IReadOnlyList<OutboxRecord>>? nextBatch = null;
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (position is null)
                    {
                        position = await positions.LoadAsync(stoppingToken);
                        Log.RelayStarted(logger, settings.Name, position.Value, settings.Topic);
                    }

                    var batch = await (nextBatch ?? reader.ReadAsync(position.Value, settings.BatchSize, stoppingToken));
                    nextBatch = null;
                    if (batch.Count > 0)
                    {
                        var acknowledged = publisher.PublishAsync(batch, stoppingToken);

                        // A full batch means more rows are likely waiting: read them while Kafka acknowledges this
                        // one. They are produced only after this batch's position is saved, so a failure still
                        // re-publishes at most one batch.
                        if (batch.Count == settings.BatchSize)
                        {
                            nextBatch = reader.ReadAsync(batch[^1].TransactionId, settings.BatchSize, stoppingToken);
                        }

                        await acknowledged;
                        await positions.SaveAsync(batch[^1].TransactionId, stoppingToken);
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

                    // Only an empty read waits: rows that committed while a batch was published are read at once,
                    // so under load a row waits for one publication round, not an extra poll interval.
                    if (batch.Count == 0)
                    {
                        await Task.Delay(settings.PollInterval, stoppingToken);
                    }
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The read-ahead may have failed too, or may still run; it is dropped, and the retry reads again
                    // from the saved position.
                    if (nextBatch is not null)
                    {
                        await ((Task)nextBatch).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                        nextBatch = null;
                    }

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
            // Stopping: an unsaved batch is published again by the next start.
        }
    }

    private static TimeSpan RetryDelay(int failures, TimeSpan max)
    {
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(failures - 1, 16));
        return delay < max ? delay : max;
    }
}
