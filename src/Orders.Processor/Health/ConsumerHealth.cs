namespace Orders.Processor.Health;

/// <summary>
/// What the Kafka consume loop last reported about itself, for the readiness check: how many partitions it owns and
/// which of their workers stopped on an unexpected error. The loop reports at every commit round.
/// </summary>
public sealed class ConsumerHealth(TimeProvider time)
{
    private Snapshot current = new(null, 0, []);

    public Snapshot Current => Volatile.Read(ref current);

    public void Report(int assignedPartitions, IReadOnlyList<int> faultedPartitions) =>
        Volatile.Write(ref current, new Snapshot(time.GetUtcNow(), assignedPartitions, faultedPartitions));

    /// <param name="ReportedAt">When the loop last reported; null before its first round.</param>
    /// <param name="AssignedPartitions">Partitions of the outbox topic this instance owns.</param>
    /// <param name="FaultedPartitions">Partitions whose worker ended with an error and applies nothing more.</param>
    public sealed record Snapshot(DateTimeOffset? ReportedAt, int AssignedPartitions, IReadOnlyList<int> FaultedPartitions);
}
