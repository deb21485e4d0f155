namespace Orders.Processor.History;

/// <summary>
/// One applied saga event, a row of <c>fulfilment.order_history</c>, written in the saga's own transaction: the rows of
/// an order, in <see cref="Id"/> order, are what happened to it. Insert-only.
/// </summary>
public sealed class OrderHistoryEntry
{
    public long Id { get; set; }

    public Guid OrderId { get; set; }

    /// <summary>The event's name on the state machine, for example <c>OrderPaid</c> or <c>PaymentTimeout.Received</c>.</summary>
    public string Event { get; set; } = null!;

    /// <summary>The order event's change number; null for timeouts.</summary>
    public int? Sequence { get; set; }

    /// <summary>The state before the event; null when the event created the saga.</summary>
    public string? StateBefore { get; set; }

    public string StateAfter { get; set; } = null!;

    /// <summary>Where the event was read from Kafka; null for timeouts and anything not sent by the Kafka bridge.</summary>
    public int? KafkaPartition { get; set; }

    public long? KafkaOffset { get; set; }

    /// <summary>The W3C trace id of the activity that applied the event, when one was being recorded.</summary>
    public string? TraceId { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}
