using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Processor.Fulfilment;
using Orders.Processor.SagaRepository;
using Orders.ServiceDefaults.Telemetry;
using Quartz;

namespace Orders.Processor.Scheduling;

/// <summary>
/// The clock: on every firing of its repeating trigger, claims the due timeouts batch by batch and delivers each into
/// the mediator with its <c>MT-Scheduling-TokenId</c> header, so it reaches the saga through the repository like any
/// message and a stale or repeated token changes nothing; a batch goes in groups, each in one saga transaction. A
/// timeout is deleted by the saga transaction that consumed it (or after its delivery returned, when no saga took it);
/// a failed delivery keeps its row, which is claimed again when its lease ends, until
/// <see cref="SchedulingOptions.MaxDeliveryAttempts"/> claims failed and it is given up (<c>fulfilment.dead_timeout</c>).
/// Firings may overlap, on one node (<see cref="SchedulingOptions.ConcurrentFirings"/>) and across nodes: the
/// <c>SKIP LOCKED</c> claim and its lease give each firing timeouts no other is delivering, so a burst of deadlines is
/// worked off by every node at once.
/// </summary>
internal sealed class DeliverDueTimeoutsJob(
    IMediator mediator,
    ISagaTransactions transactions,
    ScheduledTimeoutQueue queue,
    DeliveryConcurrency concurrency,
    OrdersProcessorMetrics metrics,
    [FromKeyedServices(FulfilmentExtensions.ClockKey)] TimeProvider clock,
    IOptions<SchedulingOptions> options,
    ILogger<DeliverDueTimeoutsJob> logger) : IJob
{
    public static readonly JobKey Key = new("deliver-due-timeouts", SchedulingExtensions.SchedulerName);

    private const int MaxErrorLength = 2000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var started = Stopwatch.StartNew();
        int claimed;
        do
        {
            var batch = await queue.ClaimAsync(settings.BatchSize, settings.RetryInterval, clock.GetUtcNow(), cancellationToken);
            claimed = batch.Count;
            await DeliverAsync(batch, settings, cancellationToken);
        }
        // A backlog is worked off in one firing, but only for about a lease: then the firing ends, the trigger fires again
        // on schedule and a stopping node lets go of the clock.
        while (claimed == settings.BatchSize && started.Elapsed < settings.RetryInterval && !cancellationToken.IsCancellationRequested);
    }

    private async Task DeliverAsync(IReadOnlyList<ClaimedTimeout> batch, SchedulingOptions settings, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var delivered = new ConcurrentBag<Guid>();
        var pending = new ConcurrentDictionary<Guid, bool>(batch.Select(t => KeyValuePair.Create(t.TokenId, true)));
        using var delivering = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewLeasesAsync(pending, settings.RetryInterval, delivering.Token);
        try
        {
            // Each group is as large as the Orders API is taking deliveries now.
            for (var next = 0; next < batch.Count;)
            {
                var group = batch.Skip(next).Take(concurrency.Current).ToArray();
                next += group.Length;
                foreach (var timeout in group.Where(t => t.Attempts == 1))
                {
                    metrics.TimeoutLateness(clock.GetUtcNow() - timeout.DueAt);
                }

                if (await TryDeliverTogetherAsync(group, cancellationToken))
                {
                    foreach (var timeout in group)
                    {
                        delivered.Add(timeout.TokenId);
                    }

                    concurrency.Delivered();
                }
                else
                {
                    var deliveredAlone = 0;
                    await Parallel.ForEachAsync(
                        group,
                        new ParallelOptions { MaxDegreeOfParallelism = Math.Min(group.Length, concurrency.Current), CancellationToken = cancellationToken },
                        async (timeout, ct) =>
                        {
                            if (await TryDeliverAloneAsync(timeout, settings, ct))
                            {
                                delivered.Add(timeout.TokenId);
                                Interlocked.Increment(ref deliveredAlone);
                            }
                        });
                    if (deliveredAlone == group.Length)
                    {
                        concurrency.Delivered();
                    }
                }

                foreach (var timeout in group)
                {
                    pending.TryRemove(timeout.TokenId, out _);
                }
            }
        }
        finally
        {
            await delivering.CancelAsync();
            await renewing;
            // Also when stopping: what was delivered is done, and a leftover row would only be delivered once more. The
            // saga transaction deleted the rows of the timeouts it consumed; this catches those of orders without a saga.
            if (!delivered.IsEmpty)
            {
                await queue.DeleteAsync(delivered, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Delivers the timeouts in one saga transaction, all at once: their saga steps take turns on the transaction, but
    /// their calls to the Orders API run side by side, and the saga changes commit together, each consumed timeout's row
    /// deleted with them. A transaction that rolls back is tried once more from fresh saga rows: an order the API
    /// cancelled meanwhile has usually had its OrderCancelled applied by then (the usual conflict), and the repeated call
    /// of any other is answered by <see cref="OrdersApi.OrdersApiClient"/> from the first answer. False when that rolled
    /// back too: then none of them is applied, and each is delivered again alone, where a failure counts against that
    /// timeout only.
    /// </summary>
    private async Task<bool> TryDeliverTogetherAsync(ClaimedTimeout[] timeouts, CancellationToken cancellationToken)
    {
        if (timeouts.Length == 1)
        {
            return false;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await transactions.RunAsync(
                    [.. timeouts.Select(t => t.CorrelationId)],
                    // One order's timeouts one after the other, so each sees what the one before changed.
                    mediator => Task.WhenAll(timeouts.GroupBy(t => t.CorrelationId).Select(async order =>
                    {
                        foreach (var timeout in order)
                        {
                            await SendAsync(mediator, timeout, cancellationToken);
                        }
                    })),
                    cancellationToken);
                break;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                // Refused for load: asking again at once would only add to it; each is delivered alone, fewer at once.
                if (concurrency.RefusedForLoad(exception))
                {
                    Log.TimeoutBatchRolledBack(logger, exception, timeouts.Length, "delivering each alone");
                    return false;
                }

                Log.TimeoutBatchRolledBack(logger, exception, timeouts.Length, attempt == 1 ? "retrying them from fresh saga rows" : "delivering each alone");
                if (attempt == 2)
                {
                    return false;
                }
            }
        }

        foreach (var timeout in timeouts)
        {
            metrics.TimeoutDelivered();
        }

        return true;
    }

    /// <summary>
    /// Keeps the lease of the batch's timeouts not yet delivered while this firing lives, so no other firing (firings
    /// overlap, on every node) claims a timeout still being delivered; a dead node stops renewing and its lease ends.
    /// Renewing does not count as an attempt.
    /// </summary>
    private async Task RenewLeasesAsync(ConcurrentDictionary<Guid, bool> pending, TimeSpan lease, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (!pending.IsEmpty)
                {
                    await queue.RenewAsync([.. pending.Keys], lease, clock.GetUtcNow(), cancellationToken);
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or NpgsqlException)
        {
            // Delivered, stopping, or the database is away: then the lease simply runs out.
        }
    }

    private async Task<bool> TryDeliverAloneAsync(ClaimedTimeout timeout, SchedulingOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(mediator, timeout, cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            concurrency.RefusedForLoad(exception);
            metrics.TimeoutFailed();
            // The innermost exception says why (the API's answer), not which MassTransit layer carried it.
            var cause = exception.GetBaseException();
            var error = $"{cause.GetType().Name}: {cause.Message}";
            error = error[..Math.Min(error.Length, MaxErrorLength)];
            if (timeout.Attempts >= settings.MaxDeliveryAttempts)
            {
                metrics.TimeoutDead();
                Log.TimeoutDead(logger, exception, timeout.MessageType, timeout.TokenId, timeout.CorrelationId, timeout.Attempts);
                await queue.BuryAsync(timeout.TokenId, error, CancellationToken.None);
                return false;
            }

            Log.TimeoutDeliveryFailed(
                logger, exception, timeout.MessageType, timeout.TokenId, timeout.CorrelationId, timeout.Attempts,
                clock.GetUtcNow() + settings.RetryInterval);
            await queue.RecordFailureAsync(timeout.TokenId, error, CancellationToken.None);
            return false;
        }

        metrics.TimeoutDelivered();
        return true;
    }

    /// <summary>Sends the timeout's message into the saga with its token; returns once the saga applied it, throws if not.</summary>
    private static async Task SendAsync(IMediator mediator, ClaimedTimeout timeout, CancellationToken cancellationToken)
    {
        // The delivery continues the trace of the order change that scheduled the timeout.
        var parent = TraceParent.Parse(timeout.Traceparent);
        using var span = parent == default
            ? null
            : OrdersProcessorMetrics.ActivitySource.StartActivity(
                "deliver " + timeout.MessageType[(timeout.MessageType.LastIndexOf('.') + 1)..], ActivityKind.Consumer, parent);
        span?.SetTag("orders.order_id", timeout.CorrelationId);
        try
        {
            var messageType = typeof(DeliverDueTimeoutsJob).Assembly.GetType(timeout.MessageType, throwOnError: true)!;
            var message = JsonSerializer.Deserialize(timeout.Message, messageType)!;
            await mediator.Send(
                message,
                messageType,
                Pipe.Execute<SendContext>(send => send.Headers.Set(MessageHeaders.SchedulingTokenId, timeout.TokenId.ToString("D"))),
                cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            span?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }
}
