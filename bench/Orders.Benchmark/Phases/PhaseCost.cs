using Orders.Benchmark.Measure;

namespace Orders.Benchmark.Phases;

/// <summary>What a phase cost: the cores each process used on average, and what PostgreSQL's sessions waited for.</summary>
internal sealed record PhaseCost(IReadOnlyDictionary<string, double> Cores, IReadOnlyList<WaitEntry>? Waits = null);
