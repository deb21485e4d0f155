using Microsoft.Extensions.Options;
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
    IOptions<RelayOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        long? position = null;
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

                    var batch = await reader.ReadAsync(position.Value, settings.BatchSize, stoppingToken);
                    if (batch.Count > 0)
                    {
                        await publisher.PublishAsync(batch, stoppingToken);
                        await positions.SaveAsync(batch[^1].TransactionId, stoppingToken);
                        position = batch[^1].TransactionId;
                        metrics.BatchPublished(batch.Count, batch[^1].CreatedAt);
                        Log.BatchPublished(logger, batch.Count, position.Value);
                    }

                    if (failures > 0)
                    {
                        Log.RelayRecovered(logger, failures);
                        failures = 0;
                    }

                    // A full batch means more rows are likely waiting: query again at once.
                    if (batch.Count < settings.BatchSize)
                    {
                        await Task.Delay(settings.PollInterval, stoppingToken);
                    }
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    failures++;
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
