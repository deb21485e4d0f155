namespace Orders.Benchmark.Report;

/// <summary>One of the targets, the figure measured against it, and whether it was met.</summary>
internal sealed record TargetCheck(string Name, string Target, string Measured, bool Met, string Note);
