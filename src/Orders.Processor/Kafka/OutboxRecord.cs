using Orders.Contracts;

namespace Orders.Processor.Kafka;

/// <summary>An outbox row read back from Kafka, with its payload turned into the event it holds.</summary>
public sealed record OutboxRecord(
    long Id,
    long UserId,
    Guid AggregateId,
    DateTimeOffset CreatedAt,
    long? TransactionId,
    IOrderEvent Event);
