using System.Globalization;
using Npgsql;

namespace Orders.Relay.Outbox;

/// <summary>
/// Listens on a connection of its own for the notification the API's outbox trigger sends at commit (channel
/// <see cref="Channel"/>, payload = the committing transaction's id), so the relay reads as soon as a row commits
/// instead of polling for it. Polling stays the safety net: while this is not listening, the relay polls as before.
/// </summary>
internal sealed class OutboxCommitListener(NpgsqlDataSource dataSource, ILogger<OutboxCommitListener> logger)
    : BackgroundService
{
    public const string Channel = "outbox_committed";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private TaskCompletionSource nextCommit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long notifiedUpTo = -1;
    private volatile bool listening;

    /// <summary>True while notifications arrive; false while the connection is being (re)established.</summary>
    public bool IsListening => listening;

    /// <summary>The largest transaction id notified so far; rows up to it have committed.</summary>
    public long NotifiedUpTo => Interlocked.Read(ref notifiedUpTo);

    /// <summary>
    /// Completes at the next notification. Take it before reading the outbox, so a commit during the read is not
    /// missed by the wait that follows an empty read.
    /// </summary>
    public Task NextCommit => Volatile.Read(ref nextCommit).Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, notification) => Notified(notification.Payload);
                await using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                listening = true;
                delay = TimeSpan.FromMilliseconds(100);
                Log.CommitListenerStarted(logger, Channel);
                // Rows may have committed while no connection was listening.
                Wake();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                listening = false;
                Wake();
                Log.CommitListenerFailed(logger, exception, delay);
                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
            }
        }
    }

    private void Notified(string payload)
    {
        if (long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var transactionId))
        {
            var seen = Interlocked.Read(ref notifiedUpTo);
            while (transactionId > seen)
            {
                var previous = Interlocked.CompareExchange(ref notifiedUpTo, transactionId, seen);
                if (previous == seen)
                {
                    break;
                }

                seen = previous;
            }
        }

        Wake();
    }

    private void Wake() => Interlocked.Exchange(
        ref nextCommit, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
