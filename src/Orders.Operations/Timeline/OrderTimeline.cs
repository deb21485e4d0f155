namespace Orders.Operations.Timeline;

/// <summary>Everything the system knows about one order, from its row in <c>orders</c> to its dead letters.</summary>
public sealed record OrderTimeline(
    Guid OrderId,
    OrderRow? Order,
    IReadOnlyList<OutboxEntry> Outbox,
    SagaRow? Saga,
    IReadOnlyList<HistoryEntry> History,
    IReadOnlyList<TimeoutEntry> Timeouts,
    DeadLetterList DeadLetters)
{
    public bool Found => Order is not null || Outbox.Count > 0 || Saga is not null || DeadLetters.Letters.Count > 0;
}

/// <summary>The API's row of the order.</summary>
public sealed record OrderRow(long UserId, string Status, int Sequence, decimal Total, string Currency, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One outbox row; <see cref="Published"/> is null when no relay position is known (the connector publishes).</summary>
public sealed record OutboxEntry(long Id, string Type, int? Sequence, DateTimeOffset CreatedAt, long TransactionId, bool? Published);

/// <summary>The saga row, with what an operator decides on.</summary>
public sealed record SagaRow(
    string State,
    int LastSequence,
    int? ExpectedSequence,
    int? ReceivedSequence,
    DateTimeOffset? ParkedAt,
    DateTimeOffset? CancellationRequestedAt,
    bool RefundRequired,
    decimal? RefundAmount,
    string? RefundCurrency,
    DateTimeOffset UpdatedAt);

/// <summary>One row of <c>fulfilment.order_history</c>.</summary>
public sealed record HistoryEntry(
    long Id, string Event, int? Sequence, string? StateBefore, string StateAfter, int? KafkaPartition, long? KafkaOffset, string? TraceId, DateTimeOffset RecordedAt);

/// <summary>
/// One pending timeout; <see cref="LastError"/> is set when its last delivery failed, and <see cref="Dead"/> when the
/// processor gave it up after its delivery attempts (<c>fulfilment.dead_timeout</c>).
/// </summary>
public sealed record TimeoutEntry(Guid TokenId, string MessageType, DateTimeOffset DueAt, int Attempts, string? LastError, bool Dead);

/// <summary>The dead letters read, or why Kafka could not be read (the rest of the page still shows).</summary>
public sealed record DeadLetterList(IReadOnlyList<DeadLetter> Letters, string? KafkaError);

/// <summary>A record of the dead-letter topic, with the reason the processor gave and where the original was.</summary>
public sealed record DeadLetter(int Partition, long Offset, Guid? OrderId, int? Sequence, string Reason, string Error, string Original);
