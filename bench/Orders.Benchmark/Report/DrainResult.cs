namespace Orders.Benchmark.Report;

/// <param name="Items">Rows (relay) or events (processor) pending when the process started.</param>
/// <param name="Finished">Everything was drained before the phase's deadline.</param>
/// <param name="StartupSeconds">From starting the process to its first progress.</param>
/// <param name="DrainSeconds">From its first progress to nothing pending, or to the deadline.</param>
/// <param name="ItemsPerSecond">Items drained after the first progress over <paramref name="DrainSeconds"/>.</param>
internal sealed record DrainResult(long Items, bool Finished, double StartupSeconds, double? DrainSeconds, double? ItemsPerSecond);
