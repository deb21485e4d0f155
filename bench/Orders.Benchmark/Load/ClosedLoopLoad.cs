using System.Diagnostics;

namespace Orders.Benchmark.Load;

/// <summary>
/// The maximum rate: <c>concurrency</c> clients each write an order's steps back to back, starting the next order as
/// soon as the last answered. Throughput is the point here; latency is service time at that concurrency.
/// </summary>
internal sealed class ClosedLoopLoad(IOrderWriter writer, Workload workload)
{
    private long operations;
    private long failures;

    public LatencyRecorder Latency { get; } = new();

    public long Operations => Interlocked.Read(ref operations);

    public long Failures => Interlocked.Read(ref failures);

    public TimeSpan Elapsed { get; private set; }

    /// <summary>Runs until <paramref name="duration"/> has passed or <paramref name="maxOperations"/> writes are done.</summary>
    public async Task RunAsync(int concurrency, TimeSpan duration, long maxOperations, long firstUserId, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var clients = Enumerable.Range(0, concurrency)
            .Select(client => Task.Run(() => ClientAsync(client), cancellationToken))
            .ToList();
        await Task.WhenAll(clients);
        Elapsed = Stopwatch.GetElapsedTime(start);

        async Task ClientAsync(int client)
        {
            var random = new Random(client);
            for (var n = 0L; ; n++)
            {
                var order = new OrderState(firstUserId + (client * 1_000_000L) + n);
                foreach (var step in OrderPlan.Next(workload, random))
                {
                    if (Stopwatch.GetElapsedTime(start) >= duration || Interlocked.Read(ref operations) >= maxOperations)
                    {
                        return;
                    }

                    var sent = Stopwatch.GetTimestamp();
                    var result = await writer.WriteAsync(step, order, cancellationToken);
                    Latency.RecordStopwatchTicks(Stopwatch.GetTimestamp() - sent);
                    Interlocked.Increment(ref operations);
                    if (!result.Succeeded)
                    {
                        Interlocked.Increment(ref failures);
                        break;
                    }
                }
            }
        }
    }
}
