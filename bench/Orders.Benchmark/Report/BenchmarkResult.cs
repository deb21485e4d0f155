using Orders.Benchmark.Measure;

namespace Orders.Benchmark.Report;

/// <summary>Everything one run measured; written as JSON under bench/results/.</summary>
internal sealed record BenchmarkResult
{
    public required DateTimeOffset StartedAt { get; init; }

    public required string Command { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string LoadAverageAtStart { get; init; }

    public required string LoadAverageAtEnd { get; init; }

    public required string Workload { get; init; }

    public required SteadyResult Steady { get; init; }

    public required MaxRateResult Api { get; init; }

    public required IReadOnlyDictionary<string, long> ApiFailureReasons { get; init; }

    public required MaxRateResult Ceiling { get; init; }

    /// <summary>The API's maximum rate as a share of the ceiling's, at the same concurrency.</summary>
    public required double ApiShareOfCeiling { get; init; }

    public required DrainResult RelayDrain { get; init; }

    public required DrainResult ProcessorDrain { get; init; }

    /// <summary>Payment deadlines due at the same moment, delivered by one processor node, then by two.</summary>
    public required IReadOnlyList<DeadlineBurstResult> DeadlineBursts { get; init; }

    public required IReadOnlyDictionary<string, double> PeakMemoryMiB { get; init; }

    /// <summary>Warning and error lines each deployable wrote during the run.</summary>
    public required IReadOnlyDictionary<string, int> ProblemLines { get; init; }

    /// <summary>Per phase, what PostgreSQL's busy sessions were doing or waiting for (see WaitProfile).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<WaitEntry>> WaitProfiles { get; init; }

    /// <summary>Per phase, the cores each process used on average (1.0 = one core busy all the time).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> CoresByPhase { get; init; }

    public required IReadOnlyList<TargetCheck> Targets { get; init; }
}
