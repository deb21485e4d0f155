using Spectre.Console;

namespace Orders.Benchmark.Report;

/// <summary>The run's figures as console tables.</summary>
internal static class ResultTable
{
    private static readonly string[] Processes = ["api", "relay", "processor", "postgres", "benchmark"];

    public static void Write(BenchmarkResult r)
    {
        var s = r.Steady;
        var latency = new Table().Title($"Latency (ms), {Markup.Escape(r.Workload)} workload").AddColumns("", "count", "p50", "p90", "p99", "p99.9", "max");
        Row(latency, $"API, steady {s.AchievedOrdersPerSecond:N0} orders/s ({s.RequestsPerSecond:N0} req/s), open loop", s.Api);
        Row(latency, "End to end, 201 to saga updated_at", s.EndToEndCommitted);
        Row(latency, "End to end, 201 to saga commit notification", s.EndToEndObserved);
        Row(latency, $"API, max rate, {r.Api.Concurrency} clients", r.Api.Latency);
        Row(latency, $"SQL ceiling, {r.Ceiling.Concurrency} clients", r.Ceiling.Latency);
        AnsiConsole.Write(latency);

        var figures = new Table().Title("Throughput, lag, drains, memory").AddColumns("", "value");
        figures.AddRow("API max rate", $"{r.Api.OperationsPerSecond:N0} writes/s ({r.Api.Failures} failed)");
        figures.AddRow("SQL ceiling", $"{r.Ceiling.OperationsPerSecond:N0} writes/s");
        figures.AddRow("API / ceiling", $"{r.ApiShareOfCeiling:P0}");
        figures.AddRow("Steady: orders, failed, e2e overtaken, not applied", $"{s.Orders:N0}, {s.FailedOrders:N0}, {s.EndToEndOvertaken:N0}, {s.EndToEndNotApplied:N0}");
        figures.AddRow("API failures, steady / max rate", $"{Failures(s.FailureReasons)} / {Failures(r.ApiFailureReasons)}");
        figures.AddRow("Steady: max relay lag / processor lag", $"{s.MaxRelayLagRows:N0} rows / {s.MaxProcessorLagEvents:N0} events");
        figures.AddRow("After load: relay / committed offsets / saga at zero", $"{Seconds(s.RelayZeroAfterSeconds)} / {Seconds(s.ProcessorZeroAfterSeconds)} / {Seconds(s.SagaCaughtUpAfterSeconds)}");
        figures.AddRow("Steady: processor CPU per event", s.ProcessorCpuMsPerEvent is { } cpu ? $"{cpu:0.000} ms" : "unknown");
        figures.AddRow("Idle after the steady load: cores", string.Join(", ", s.IdleCores.Select(c => $"{c.Key} {c.Value:0.000}")));
        figures.AddRow("Relay drain", Drain(r.RelayDrain, "rows"));
        figures.AddRow("Processor drain", Drain(r.ProcessorDrain, "events"));
        foreach (var burst in r.DeadlineBursts)
        {
            figures.AddRow(
                $"Deadline burst, {burst.Nodes} node(s)",
                $"{burst.Deadlines:N0} due at once: {burst.DeliveredPerSecond:N0} delivered/s, {burst.CancelledPerSecond:N0} cancelled/s" +
                (burst.CancelledSeconds is null ? " (not all within the deadline)" : ""));
        }

        figures.AddRow("Peak memory (VmHWM)", string.Join(", ", r.PeakMemoryMiB.Select(p => $"{p.Key} {p.Value:N0} MiB")));
        figures.AddRow("Load average at start / end", $"{r.LoadAverageAtStart} / {r.LoadAverageAtEnd}");
        figures.AddRow("Warning/error lines", r.ProblemLines.Count == 0 ? "none" : string.Join(", ", r.ProblemLines.Select(p => $"{p.Key} {p.Value}")));
        AnsiConsole.Write(figures);

        var cores = new Table().Title("CPU by phase (cores used on average)").AddColumns(["phase", .. Processes]);
        foreach (var (phase, usage) in r.CoresByPhase)
        {
            cores.AddRow(
                [Markup.Escape(phase), .. Processes.Select(p => usage.TryGetValue(p, out var c) ? $"{c:0.00}" : "-")]);
        }

        AnsiConsole.Write(cores);

        var waits = new Table().Title("PostgreSQL busy sessions (average count per sample)").AddColumns("phase", "sessions", "state, wait event, statement");
        foreach (var (phase, entries) in r.WaitProfiles)
        {
            foreach (var entry in entries.Take(5))
            {
                waits.AddRow(Markup.Escape(phase), $"{entry.Sessions:0.00}", Markup.Escape(entry.Activity));
            }
        }

        AnsiConsole.Write(waits);

        var targets = new Table().Title("Targets").AddColumns("target", "goal", "measured", "", "note");
        foreach (var t in r.Targets)
        {
            targets.AddRow(
                Markup.Escape(t.Name), Markup.Escape(t.Target), Markup.Escape(t.Measured), t.Met ? "[green]met[/]" : "[red]missed[/]",
                Markup.Escape(t.Note));
        }

        AnsiConsole.Write(targets);
    }

    private static void Row(Table table, string name, LatencySummary l) =>
        table.AddRow(Markup.Escape(name), $"{l.Count:N0}", $"{l.P50:0.0}", $"{l.P90:0.0}", $"{l.P99:0.0}", $"{l.P999:0.0}", $"{l.Max:0.0}");

    private static string Failures(IReadOnlyDictionary<string, long> reasons) =>
        reasons.Count == 0 ? "none" : Markup.Escape(string.Join(", ", reasons.Select(f => $"{f.Key} x{f.Value}")));

    private static string Seconds(double? value) => value is { } v ? $"{v:0.00} s" : "not within the deadline";

    private static string Drain(DrainResult d, string unit) => d.ItemsPerSecond is { } rate
        ? $"{d.Items:N0} {unit}: start-up {d.StartupSeconds:0.00} s, then {rate:N0} {unit}/s over {d.DrainSeconds:0.00} s{(d.Finished ? "" : " (cut at the deadline)")}"
        : $"{d.Items:N0} {unit}: no progress";
}
