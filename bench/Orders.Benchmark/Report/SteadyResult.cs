using Orders.Benchmark.Measure;

namespace Orders.Benchmark.Report;

/// <summary>The open-loop phase: a fixed order rate through the whole system.</summary>
internal sealed record SteadyResult
{
    public required double TargetOrdersPerSecond { get; init; }

    public required double AchievedOrdersPerSecond { get; init; }

    public required double RequestsPerSecond { get; init; }

    public required double Seconds { get; init; }

    public required long Orders { get; init; }

    public required long Requests { get; init; }

    public required long FailedOrders { get; init; }

    /// <summary>Failed requests by step and status code (or exception type).</summary>
    public required IReadOnlyDictionary<string, long> FailureReasons { get; init; }

    /// <summary>API latency from when each request was due (open loop).</summary>
    public required LatencySummary Api { get; init; }

    /// <summary>201/200 received to saga row updated (its updated_at); reads low by the saga's commit time.</summary>
    public required LatencySummary EndToEndCommitted { get; init; }

    /// <summary>201/200 received to the saga's commit notification; reads high by the notification's delivery.</summary>
    public required LatencySummary EndToEndObserved { get; init; }

    public required long EndToEndOvertaken { get; init; }

    public required long EndToEndNotApplied { get; init; }

    /// <summary>The processor's CPU time during the load over the changes the API acknowledged in it.</summary>
    public required double? ProcessorCpuMsPerEvent { get; init; }

    public required long MaxRelayLagRows { get; init; }

    public required long MaxProcessorLagEvents { get; init; }

    /// <summary>From the last request's answer until the relay's pending rows were zero; null if not within the deadline.</summary>
    public required double? RelayZeroAfterSeconds { get; init; }

    /// <summary>Until the processor's committed offsets reached the high watermarks.</summary>
    public required double? ProcessorZeroAfterSeconds { get; init; }

    /// <summary>Until every acknowledged change was seen applied in the saga table.</summary>
    public required double? SagaCaughtUpAfterSeconds { get; init; }

    /// <summary>Cores per process over a few seconds with no load, once everything had caught up.</summary>
    public required IReadOnlyDictionary<string, double> IdleCores { get; init; }

    public required IReadOnlyList<LagSample> Lag { get; init; }
}
