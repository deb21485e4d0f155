using Orders.Contracts;

namespace Orders.Api.Orders;

/// <summary>An order row. <see cref="Sequence"/> counts its changes and doubles as the concurrency token.</summary>
public sealed class Order
{
    public required Guid Id { get; init; }

    public required long UserId { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<OrderLine> Lines { get; init; }

    public required decimal Total { get; init; }

    public OrderStatus Status { get; set; }

    /// <summary>Sequence number of the last event written for this order (1 after submission).</summary>
    public int Sequence { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public decimal? PaidAmount { get; set; }

    public string? PaymentReference { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    public string? Carrier { get; set; }

    public string? TrackingNumber { get; set; }

    public DateTimeOffset? ShippedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    public string? CancellationReason { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }
}
