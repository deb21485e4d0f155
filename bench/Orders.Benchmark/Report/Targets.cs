using System.Globalization;

namespace Orders.Benchmark.Report;

/// <summary>The issue's targets for this 2-core machine, checked against a run's figures.</summary>
internal static class Targets
{
    private const double CeilingShare = 0.60;
    private const double EndToEndP99Ms = 100;
    private const double EndToEndP50Ms = 20;
    private const double LowRate = 100;
    private const double LowRateP99Ms = 40;
    private const double LowRateP50Ms = 10;
    private const double CatchUpSeconds = 1;
    private const double ProcessorEventsPerSecond = 3_000;
    private const double RelayRowsPerSecond = 20_000;
    private const double PeakMiB = 300;
    private const int TargetBacklog = 100_000;
    private const double BurstShareOfApi = 0.5;
    private const int TargetDeadlines = 20_000;

    public static IReadOnlyList<TargetCheck> Check(BenchmarkResult r, BenchmarkOptions options)
    {
        var steadyConditions = options is { Workload: Workload.Lifecycle, Rate: 500 } && options.Duration >= TimeSpan.FromSeconds(60)
            ? ""
            : $"run at {options.Rate:0} orders/s {options.Workload.ToString().ToLowerInvariant()} for {options.Duration.TotalSeconds:0} s; the target is 500/s lifecycle for 60 s";
        var lowRateConditions = options is { Workload: Workload.Lifecycle, Rate: LowRate } && options.Duration >= TimeSpan.FromSeconds(60)
            ? ""
            : $"run at {options.Rate:0} orders/s {options.Workload.ToString().ToLowerInvariant()} for {options.Duration.TotalSeconds:0} s; the target is {LowRate:0}/s lifecycle for 60 s (--rate {LowRate:0} --duration 60)";
        var backlogConditions = options.Backlog >= TargetBacklog ? "" : $"backlog {options.Backlog:N0}, the target's is {TargetBacklog:N0}";
        var e2e = r.Steady.EndToEndObserved;
        var catchUp = Max(r.Steady.RelayZeroAfterSeconds, r.Steady.SagaCaughtUpAfterSeconds);
        var deadlineConditions = options.Deadlines >= TargetDeadlines ? "" : $"{options.Deadlines:N0} deadlines, the target's is {TargetDeadlines:N0}";
        var oneNode = r.DeadlineBursts.FirstOrDefault(b => b.Nodes == 1)?.DeliveredPerSecond ?? 0;
        var twoNodes = r.DeadlineBursts.FirstOrDefault(b => b.Nodes == 2)?.DeliveredPerSecond ?? 0;
        var worstMemory = r.PeakMemoryMiB.Where(p => p.Key != "benchmark").OrderByDescending(p => p.Value).FirstOrDefault();
        return
        [
            Check("API vs SQL ceiling", $">= {CeilingShare:P0}", r.ApiShareOfCeiling, r.ApiShareOfCeiling >= CeilingShare, v => v.ToString("P0", CultureInfo.InvariantCulture),
                $"{r.Api.OperationsPerSecond:N0} vs {r.Ceiling.OperationsPerSecond:N0} writes/s at {r.Api.Concurrency} clients; cores at the API's maximum: {Cores(r, "API max rate")}"),
            Check("End-to-end p99", $"<= {EndToEndP99Ms} ms", e2e.P99, e2e.Count > 0 && e2e.P99 <= EndToEndP99Ms, Ms, Join(EndToEndNote(r.Steady), steadyConditions)),
            Check("End-to-end p50", $"<= {EndToEndP50Ms} ms", e2e.P50, e2e.Count > 0 && e2e.P50 <= EndToEndP50Ms, Ms, Join(EndToEndNote(r.Steady), steadyConditions)),
            Check($"End-to-end p99 at {LowRate:0}/s", $"<= {LowRateP99Ms} ms", e2e.P99, e2e.Count > 0 && lowRateConditions.Length == 0 && e2e.P99 <= LowRateP99Ms, Ms, Join(EndToEndNote(r.Steady), lowRateConditions)),
            Check($"End-to-end p50 at {LowRate:0}/s", $"<= {LowRateP50Ms} ms", e2e.P50, e2e.Count > 0 && lowRateConditions.Length == 0 && e2e.P50 <= LowRateP50Ms, Ms, Join(EndToEndNote(r.Steady), lowRateConditions)),
            Check("Lag back to zero after load", $"<= {CatchUpSeconds} s", catchUp ?? double.PositiveInfinity, catchUp <= CatchUpSeconds,
                v => double.IsInfinity(v) ? "not within the deadline" : $"{v:0.00} s",
                Join($"relay {Seconds(r.Steady.RelayZeroAfterSeconds)}, saga {Seconds(r.Steady.SagaCaughtUpAfterSeconds)}, committed offsets {Seconds(r.Steady.ProcessorZeroAfterSeconds)}", steadyConditions)),
            Check("Processor drain", $">= {ProcessorEventsPerSecond:N0} events/s", r.ProcessorDrain.ItemsPerSecond ?? 0, r.ProcessorDrain.ItemsPerSecond >= ProcessorEventsPerSecond,
                v => $"{v:N0}/s", Join($"{r.ProcessorDrain.Items:N0} events{(r.ProcessorDrain.Finished ? "" : ", cut at the deadline")}", backlogConditions)),
            Check("Relay drain", $">= {RelayRowsPerSecond:N0} rows/s", r.RelayDrain.ItemsPerSecond ?? 0, r.RelayDrain.ItemsPerSecond >= RelayRowsPerSecond,
                v => $"{v:N0}/s", Join($"{r.RelayDrain.Items:N0} rows{(r.RelayDrain.Finished ? "" : ", cut at the deadline")}", backlogConditions)),
            Check("Deadline burst, one node", $">= {BurstShareOfApi:P0} of the API's max rate", oneNode, oneNode >= BurstShareOfApi * r.Api.OperationsPerSecond,
                v => $"{v:N0}/s", Join(
                    $"API max rate {r.Api.OperationsPerSecond:N0} writes/s; CPU per deadline {CpuMsPer(r, "deadline burst, 1 node", oneNode):0.00} ms " +
                    $"against {CpuMsPer(r, "API max rate", r.Api.OperationsPerSecond):0.00} ms per API write (every process but the load generator)",
                    deadlineConditions)),
            Check("Deadline burst, two nodes", "faster than one node", twoNodes, twoNodes > oneNode,
                v => $"{v:N0}/s", Join($"one node {oneNode:N0}/s", deadlineConditions)),
            Check("Peak memory per process", $"<= {PeakMiB} MiB", worstMemory.Value, worstMemory.Value <= PeakMiB, v => $"{v:N0} MiB",
                string.Join(", ", r.PeakMemoryMiB.Select(p => $"{p.Key} {p.Value:N0}"))),
        ];
    }

    private static TargetCheck Check(string name, string target, double value, bool met, Func<double, string> format, string note) =>
        new(name, target, format(value), met, note);

    private static string EndToEndNote(SteadyResult s) =>
        $"observed at the commit notification (upper bound), committed p50 {Ms(s.EndToEndCommitted.P50)} / p99 {Ms(s.EndToEndCommitted.P99)}, " +
        $"{s.EndToEndObserved.Count:N0} changes applied, {s.EndToEndNotApplied:N0} not applied by the end" +
        (s.FailedOrders > 0 ? $"; the API refused or failed {s.FailedOrders:N0} of {s.Orders:N0} orders (see failure reasons)" : "");

    private static string Ms(double value) => $"{value:0.0} ms";

    private static string Cores(BenchmarkResult r, string phase) =>
        r.CoresByPhase.TryGetValue(phase, out var cores) ? string.Join(", ", cores.Select(c => $"{c.Key} {c.Value:0.00}")) : "not measured";

    // What one item of a phase costs the system: the cores of every process but the load generator over the rate.
    private static double CpuMsPer(BenchmarkResult r, string phase, double perSecond) =>
        perSecond > 0 && r.CoresByPhase.TryGetValue(phase, out var cores)
            ? cores.Where(c => c.Key != "benchmark").Sum(c => c.Value) / perSecond * 1000
            : double.NaN;

    private static string Seconds(double? value) => value is { } v ? $"{v:0.00} s" : "not within the deadline";

    private static double? Max(double? a, double? b) => a is null || b is null ? null : Math.Max(a.Value, b.Value);

    private static string Join(string a, string b) => b.Length == 0 ? a : $"{a}; {b}";
}
