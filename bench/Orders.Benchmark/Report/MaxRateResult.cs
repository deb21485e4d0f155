namespace Orders.Benchmark.Report;

/// <summary>A closed-loop phase at a fixed number of clients, through the API or straight to PostgreSQL.</summary>
internal sealed record MaxRateResult(int Concurrency, long Operations, long Failures, double Seconds, double OperationsPerSecond, LatencySummary Latency);
