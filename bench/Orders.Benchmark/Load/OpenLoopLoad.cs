using System.Diagnostics;
using Orders.Benchmark.Measure;

namespace Orders.Benchmark.Load;

/// <summary>
/// Starts orders at a fixed rate whatever the system does (open loop), so a stall shows up as latency instead of
/// silently slowing the client down (coordinated omission). Every request's latency is measured from the moment it was
/// due, not from when it was sent. An order's later steps are due <see cref="StepGap"/> apart, or as soon as the
/// previous step answered if that is later.
/// </summary>
internal sealed class OpenLoopLoad(IOrderWriter writer, Workload workload, EndToEndTracker tracker)
{
    /// <summary>Long enough that the saga has usually applied one step before the next is written (see EndToEndTracker).</summary>
    public static readonly TimeSpan StepGap = TimeSpan.FromMilliseconds(250);

    private readonly Random random = new(42);
    private long orders;
    private long requests;
    private long failedOrders;

    public LatencyRecorder Latency { get; } = new();

    public long Orders => Interlocked.Read(ref orders);

    public long Requests => Interlocked.Read(ref requests);

    public long FailedOrders => Interlocked.Read(ref failedOrders);

    public async Task RunAsync(double rate, TimeSpan duration, long firstUserId, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var ticksPerOrder = Stopwatch.Frequency / rate;
        var total = (long)(rate * duration.TotalSeconds);
        var flows = new List<Task>((int)total);
        for (long started = 0; started < total;)
        {
            var due = Math.Min(total, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1);
            for (; started < due; started++)
            {
                var plan = OrderPlan.Next(workload, random);
                var order = new OrderState(firstUserId + (started % 50_000));
                flows.Add(RunOrderAsync(plan, order, start + (long)(started * ticksPerOrder), cancellationToken));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken);
        }

        await Task.WhenAll(flows);
    }

    private async Task RunOrderAsync(OrderStep[] plan, OrderState order, long dueAt, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref orders);
        var firstDue = dueAt;
        for (var i = 0; i < plan.Length; i++)
        {
            if (i > 0)
            {
                dueAt = Math.Max(firstDue + (long)(i * StepGap.TotalSeconds * Stopwatch.Frequency), Stopwatch.GetTimestamp());
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), dueAt);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }
            }
            else
            {
                await Task.Yield();
            }

            var result = await writer.WriteAsync(plan[i], order, cancellationToken);
            Latency.RecordStopwatchTicks(Stopwatch.GetTimestamp() - dueAt);
            Interlocked.Increment(ref requests);
            if (!result.Succeeded)
            {
                Interlocked.Increment(ref failedOrders);
                return;
            }

            tracker.Expect(order.Id, order.Sequence, result.ReceivedAt);
        }
    }
}
