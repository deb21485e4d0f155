using System.Diagnostics;
using Orders.Benchmark.Ceiling;
using Orders.Benchmark.Load;
using Orders.Benchmark.Measure;
using Orders.Benchmark.Report;
using Orders.SystemHost;
using Spectre.Console;

namespace Orders.Benchmark.Phases;

/// <summary>
/// The backlogs: the outbox rows the maximum-rate phases left (topped up to the configured size), drained first by
/// the relay and then, once on the topic, by the processor, each restarted for it.
/// </summary>
internal static class DrainPhase
{
    public sealed record Outcome(DrainResult Result, PhaseCost Cost);

    /// <summary>Writes more rows with the ceiling's SQL (the API's exact format) until the backlog has its size.</summary>
    public static async Task TopUpAsync(PhaseContext context, SqlOrderWriter writer, RelayLag relayLag, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var pending = await relayLag.PendingRowsAsync(cancellationToken);
        var task = context.Progress.AddTask($"Top up the backlog to {options.Backlog:N0} rows", maxValue: 1).IsIndeterminate();
        if (pending < options.Backlog)
        {
            var load = new ClosedLoopLoad(writer, options.Workload);
            await load.RunAsync(options.Concurrency, TimeSpan.FromMinutes(10), options.Backlog - pending, 300_000_000, cancellationToken);
        }

        task.Complete($"Backlog: {await relayLag.PendingRowsAsync(cancellationToken):N0} outbox rows pending");
    }

    public static async Task<Outcome> RelayAsync(PhaseContext context, RelayLag relayLag, CancellationToken cancellationToken)
    {
        var rows = await relayLag.PendingRowsAsync(cancellationToken);
        var initial = await relayLag.PositionAsync(cancellationToken);
        var target = await relayLag.NewestTransactionAsync(cancellationToken);
        var task = context.Progress.AddTask($"Relay drains {rows:N0} rows", maxValue: rows);
        var start = Stopwatch.GetTimestamp();
        await context.System.RestartAsync(context.System.Relay, cancellationToken);
        return await MeasureAsync(context, task, "relay drain", "rows", rows, start, async () =>
        {
            var position = await relayLag.PositionAsync(cancellationToken);
            return position == initial ? rows : position >= target ? 0 : await relayLag.PendingRowsAsync(cancellationToken);
        }, context.System.Relay, cancellationToken);
    }

    public static async Task<Outcome> ProcessorAsync(PhaseContext context, ProcessorLag processorLag, CancellationToken cancellationToken)
    {
        await using var profile = new WaitProfile(context.DataSource);
        profile.Start();
        // Exact, unlike the committed offsets (committed once a second): every event has its order's next sequence
        // number, so the events applied are the sum of the saga rows' last_sequence.
        await using var total = context.DataSource.CreateCommand("SELECT count(*) FROM outbox");
        var published = (long)(await total.ExecuteScalarAsync(cancellationToken))!;
        await using var applied = context.DataSource.CreateCommand("SELECT coalesce(sum(last_sequence), 0)::bigint FROM fulfilment.order_state");
        async Task<long> PendingAsync() => published - (long)(await applied.ExecuteScalarAsync(cancellationToken))!;

        var events = await PendingAsync();
        var task = context.Progress.AddTask($"Processor drains {events:N0} events (Kafka lag {processorLag.Measure():N0})", maxValue: events);
        var start = Stopwatch.GetTimestamp();
        await context.System.RestartAsync(context.System.Processor, cancellationToken);
        var outcome = await MeasureAsync(context, task, "processor drain", "events", events, start, PendingAsync, context.System.Processor, cancellationToken);
        return outcome with { Cost = outcome.Cost with { Waits = profile.Summarize() } };
    }

    /// <summary>
    /// Polls what is left until nothing is, or the deadline. The rate counts from the first progress seen, so the
    /// process's start-up (for the processor, joining the group) is reported apart, and what was done before that first
    /// poll is left out.
    /// </summary>
    private static async Task<Outcome> MeasureAsync(
        PhaseContext context, ProgressTask task, string name, string unit, long items, long start, Func<Task<long>> remaining,
        DeployableProcess process, CancellationToken cancellationToken)
    {
        var deadline = context.Options.DrainDeadline.TotalSeconds;
        var cpuBefore = context.Cpu.Read();
        double? firstProgress = null;
        var leftAtFirstProgress = items;
        var left = items;
        var now = 0.0;
        // Start-up (process start, group join) and the drain itself each get the deadline, so a slow start does not
        // cut the measured drain short.
        while (now < (firstProgress ?? 0) + deadline && left > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            left = await remaining();
            now = Stopwatch.GetElapsedTime(start).TotalSeconds;
            task.Value = items - left;
            context.Memory.Sample(process);
            if (firstProgress is null && left < items)
            {
                firstProgress = now;
                leftAtFirstProgress = left;
            }

            if (!process.IsRunning)
            {
                throw new InvalidOperationException($"{process.Name} exited while draining.");
            }
        }

        var cost = new PhaseCost(CpuUsage.Cores(cpuBefore, context.Cpu.Read(), Stopwatch.GetElapsedTime(start)));
        if (firstProgress is not { } first)
        {
            task.Complete($"{name}: no progress within {deadline:0} s");
            return new Outcome(new DrainResult(items, false, Math.Round(now, 3), null, null), cost);
        }

        var drain = now - first;
        var rate = drain > 0 ? (leftAtFirstProgress - left) / drain : 0;
        task.Complete(left == 0
            ? $"{name}: {items:N0} {unit}, start-up {first:0.00} s, then {rate:N0} {unit}/s"
            : $"{name}: {items - left:N0} of {items:N0} {unit} by the deadline ({deadline:0} s after the first progress), start-up {first:0.00} s, then {rate:N0} {unit}/s");
        return new Outcome(new DrainResult(items, left == 0, Math.Round(first, 3), Math.Round(drain, 3), Math.Round(rate, 1)), cost);
    }
}
