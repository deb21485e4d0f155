using Orders.Operations.Kafka;

namespace Orders.Operations.Lag;

/// <summary>
/// How far behind each stage is: the outbox behind the relay, each topic partition behind the processor, and the
/// timeouts behind the clock.
/// </summary>
public sealed record PipelineLag(
    long? RelayPosition,
    long UnpublishedRows,
    DateTimeOffset? OldestUnpublishedAt,
    IReadOnlyList<PartitionLag> Partitions,
    string? KafkaError,
    long DueTimeouts,
    DateTimeOffset? OldestDueTimeoutAt)
{
    public long TopicLag => Partitions.Sum(p => p.Lag);
}
