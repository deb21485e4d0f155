using System.Diagnostics;
using Orders.Benchmark.Load;
using Orders.Benchmark.Measure;
using Orders.Benchmark.Report;
using Spectre.Console;

namespace Orders.Benchmark.Phases;

/// <summary>Closed-loop clients writing as fast as a writer (the API, or the SQL ceiling) takes them.</summary>
internal static class MaxRatePhase
{
    public sealed record Outcome(MaxRateResult Result, PhaseCost Cost, NamedHistogram Histogram);

    public static async Task<Outcome> RunAsync(
        PhaseContext context, string name, IOrderWriter writer, long maxOperations, long firstUserId, CancellationToken cancellationToken)
    {
        var options = context.Options;
        await using var profile = new WaitProfile(context.DataSource);
        profile.Start();
        var task = context.Progress.AddTask($"{name}, {options.Concurrency} clients", maxValue: options.MaxRateDuration.TotalSeconds);
        var load = new ClosedLoopLoad(writer, options.Workload);
        var cpuBefore = context.Cpu.Read();
        var start = Stopwatch.GetTimestamp();
        var running = load.RunAsync(options.Concurrency, options.MaxRateDuration, maxOperations, firstUserId, cancellationToken);
        while (!running.IsCompleted)
        {
            task.Value = Math.Min(options.MaxRateDuration.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
            task.Description = $"{name}, {options.Concurrency} clients: {load.Operations:N0} writes";
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken));
        }

        await running;
        var cost = new PhaseCost(CpuUsage.Cores(cpuBefore, context.Cpu.Read(), load.Elapsed), profile.Summarize());
        var rate = Math.Round(load.Operations / load.Elapsed.TotalSeconds, 1);
        task.Complete($"{name}: {rate:N0} writes/s, p99 {load.Latency.Summarize().P99:0.0} ms");
        var result = new MaxRateResult(
            options.Concurrency, load.Operations, load.Failures, Math.Round(load.Elapsed.TotalSeconds, 2), rate, load.Latency.Summarize());
        return new Outcome(result, cost, new NamedHistogram($"{name} ({options.Concurrency} clients)", load.Latency));
    }

    /// <summary>
    /// An overloaded steady phase leaves the API finishing requests whose clients gave up; a maximum-rate phase must not
    /// inherit them, so it waits (up to the catch-up deadline) until no session is busy in the database.
    /// </summary>
    public static async Task WaitForIdleDatabaseAsync(PhaseContext context, CancellationToken cancellationToken)
    {
        var task = context.Progress.AddTask("Wait for the API to finish abandoned requests", maxValue: 1).IsIndeterminate();
        var start = Stopwatch.GetTimestamp();
        long busy;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            await using var command = context.DataSource.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'");
            busy = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        while (busy > 0 && Stopwatch.GetElapsedTime(start) < context.Options.CatchUpDeadline);

        task.Complete($"Database idle after {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s ({busy} sessions still busy)");
    }
}
