namespace Orders.Benchmark.Measure;

/// <param name="Activity">Session state, wait event (or <c>cpu</c>) and the start of the statement.</param>
/// <param name="Sessions">Average number of sessions found in that situation per sample.</param>
internal sealed record WaitEntry(string Activity, double Sessions);
