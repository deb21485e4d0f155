using MassTransit;

namespace Orders.Processor.Fulfilment;

/// <summary>
/// One order's fulfilment, a row of <c>fulfilment.order_state</c>. Rows stay after the order finished, so operators can
/// still find it.
/// </summary>
public sealed class OrderFulfilmentState : SagaStateMachineInstance
{
    /// <summary>The order id.</summary>
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = null!;

    public long UserId { get; set; }

    /// <summary>The sequence of the last order event applied; the next one applied must be exactly one more.</summary>
    public int LastSequence { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    public DateTimeOffset? ShippedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public DateTimeOffset? ShipmentOverdueAt { get; set; }

    public DateTimeOffset? CancellationRequestedAt { get; set; }

    public string? CancellationReason { get; set; }

    public Guid? PaymentTimeoutTokenId { get; set; }

    public Guid? ShipmentTimeoutTokenId { get; set; }

    public DateTimeOffset? ParkedAt { get; set; }

    /// <summary>While parked: the sequence the saga waits for (last applied + 1).</summary>
    public int? ExpectedSequence { get; set; }

    /// <summary>While parked: the newest sequence that arrived and was held back.</summary>
    public int? ReceivedSequence { get; set; }

    public bool RefundRequired { get; set; }

    public decimal? RefundAmount { get; set; }

    public string? RefundCurrency { get; set; }

    /// <summary>PostgreSQL's <c>xmin</c>, the optimistic concurrency token.</summary>
    public uint Version { get; set; }
}
