using System.Diagnostics;
using Orders.Benchmark.Load;
using Orders.Benchmark.Measure;
using Orders.Benchmark.Report;
using Spectre.Console;

namespace Orders.Benchmark.Phases;

/// <summary>
/// The open-loop load at the configured rate with every process running, then the wait until the relay, the processor
/// and the saga have caught up with it.
/// </summary>
internal static class SteadyPhase
{
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);

    public sealed record Outcome(SteadyResult Result, PhaseCost Cost, IReadOnlyList<NamedHistogram> Histograms);

    public static async Task<Outcome> RunAsync(
        PhaseContext context, RelayLag relayLag, ProcessorLag processorLag, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var task = context.Progress.AddTask("Steady load", maxValue: options.Duration.TotalSeconds);
        using var writer = new ApiOrderWriter(context.System, 256);
        await using var tracker = new EndToEndTracker(context.DataSource);
        await using var monitor = new LagMonitor(relayLag, processorLag, tracker);
        await using var profile = new WaitProfile(context.DataSource);
        var load = new OpenLoopLoad(writer, options.Workload, tracker);
        await tracker.StartAsync(cancellationToken);
        monitor.Start();
        profile.Start();
        var cpuBefore = context.Cpu.Read();
        var start = Stopwatch.GetTimestamp();
        var running = load.RunAsync(options.Rate, options.Duration, 1, cancellationToken);
        while (!running.IsCompleted)
        {
            task.Value = Math.Min(options.Duration.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
            task.Description = $"Steady load, {options.Rate:N0} orders/s: {load.Orders:N0} orders, API p99 {load.Latency.Summarize().P99:0} ms, " +
                $"lag relay {monitor.Latest?.RelayRows ?? 0:N0} / processor {monitor.Latest?.ProcessorEvents ?? 0:N0} / saga {tracker.Outstanding:N0}";
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken));
        }

        await running;
        var loadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var loadEnded = monitor.Elapsed;
        var cost = new PhaseCost(CpuUsage.Cores(cpuBefore, context.Cpu.Read(), TimeSpan.FromSeconds(loadSeconds)), profile.Summarize());
        task.Complete($"Steady load: {load.Orders:N0} orders, {load.Requests:N0} requests in {loadSeconds:0.0} s");

        var catchUp = context.Progress.AddTask("Catch up after load", maxValue: 1).IsIndeterminate();
        await monitor.WaitUntilAsync(s => s.RelayRows == 0 && s.ProcessorEvents == 0 && s.SagaOutstanding == 0, options.CatchUpDeadline, cancellationToken);
        // What the deployables spend with nothing to do (fetches, polls, timers): at a low rate it is part of each
        // event's CPU above, so it is reported apart.
        var cpuIdleBefore = context.Cpu.Read();
        await Task.Delay(IdleWindow, cancellationToken);
        var idleCores = CpuUsage.Cores(cpuIdleBefore, context.Cpu.Read(), IdleWindow);
        var samples = monitor.Samples;
        double? ZeroAfter(Func<LagSample, long> value) =>
            samples.FirstOrDefault(s => s.Seconds >= loadEnded && value(s) == 0) is { } zero ? Math.Round(zero.Seconds - loadEnded, 3) : null;
        var result = new SteadyResult
        {
            TargetOrdersPerSecond = options.Rate,
            AchievedOrdersPerSecond = Math.Round(load.Orders / options.Duration.TotalSeconds, 1),
            RequestsPerSecond = Math.Round(load.Requests / loadSeconds, 1),
            Seconds = Math.Round(loadSeconds, 2),
            Orders = load.Orders,
            Requests = load.Requests,
            FailedOrders = load.FailedOrders,
            FailureReasons = writer.Failures,
            Api = load.Latency.Summarize(),
            EndToEndCommitted = tracker.Committed.Summarize(),
            EndToEndObserved = tracker.Observed.Summarize(),
            EndToEndOvertaken = tracker.Overtaken,
            EndToEndNotApplied = tracker.Outstanding,
            ProcessorCpuMsPerEvent = cost.Cores.TryGetValue("processor", out var processorCores) && tracker.Expected > 0
                ? Math.Round(processorCores * loadSeconds * 1000 / tracker.Expected, 3)
                : null,
            MaxRelayLagRows = samples.Select(s => s.RelayRows).DefaultIfEmpty().Max(),
            MaxProcessorLagEvents = samples.Select(s => s.ProcessorEvents).DefaultIfEmpty().Max(),
            RelayZeroAfterSeconds = ZeroAfter(s => s.RelayRows),
            ProcessorZeroAfterSeconds = ZeroAfter(s => s.ProcessorEvents),
            SagaCaughtUpAfterSeconds = ZeroAfter(s => s.SagaOutstanding),
            Lag = samples,
            IdleCores = idleCores,
        };
        catchUp.Complete($"Caught up: relay {ProgressTasks.Seconds(result.RelayZeroAfterSeconds)}, saga {ProgressTasks.Seconds(result.SagaCaughtUpAfterSeconds)}, committed offsets {ProgressTasks.Seconds(result.ProcessorZeroAfterSeconds)} after the load");
        NamedHistogram[] histograms =
        [
            new("API (steady, open loop)", load.Latency),
            new("end to end: 201 to saga updated_at", tracker.Committed),
            new("end to end: 201 to seen in saga", tracker.Observed),
        ];
        return new Outcome(result, cost, histograms);
    }
}
