namespace Orders.Benchmark.Report;

/// <param name="Items">Rows (relay) or events (processor) pending when the process started.</param>
/// <param name="StartupSeconds">From starting the process to its first progress.</param>
/// <param name="DrainSeconds">From its first progress to nothing pending.</param>
/// <param name="ItemsPerSecond">Items over drain seconds; null if it did not finish within the deadline.</param>
internal sealed record DrainResult(long Items, double StartupSeconds, double? DrainSeconds, double? ItemsPerSecond);
