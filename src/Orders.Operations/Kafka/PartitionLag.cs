namespace Orders.Operations.Kafka;

/// <summary>One partition of the outbox topic: the processor's committed offset (null before its first) and the end.</summary>
public sealed record PartitionLag(int Partition, long? Committed, long End)
{
    /// <summary>Records on the partition the processor has not committed past.</summary>
    public long Lag => End - (Committed ?? 0);
}
