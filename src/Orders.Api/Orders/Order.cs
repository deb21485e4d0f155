using Orders.Contracts;

namespace Orders.Api.Orders;

/// <summary>
/// An order row and its rules. <see cref="Sequence"/> counts its changes and doubles as the concurrency token. Each
/// change method checks the statuses it may start from (and, for a payment, the amount): it either moves the order on
/// and returns the event to write to the outbox with it, or refuses and leaves the order untouched.
/// </summary>
public sealed class Order
{
    private static readonly OrderStatus[] PayableFrom = [OrderStatus.Submitted];
    private static readonly OrderStatus[] ShippableFrom = [OrderStatus.Paid];
    private static readonly OrderStatus[] DeliverableFrom = [OrderStatus.Shipped];
    private static readonly OrderStatus[] CancellableFrom = [OrderStatus.Submitted, OrderStatus.Paid];

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

    public static (Order Order, OrderSubmitted Event) Submit(
        Guid id, long userId, string currency, IReadOnlyList<OrderLine> lines, DateTimeOffset now)
    {
        var order = new Order
        {
            Id = id,
            UserId = userId,
            Currency = currency,
            Lines = lines,
            Total = OrderValidation.Money(lines.Sum(line => line.Quantity * line.UnitPrice)),
            Status = OrderStatus.Submitted,
            Sequence = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return (order, new OrderSubmitted
        {
            OrderId = id,
            UserId = userId,
            OccurredAt = now,
            SchemaVersion = OrderSubmitted.CurrentSchemaVersion,
            Sequence = order.Sequence,
            Currency = currency,
            Lines = lines,
            Total = order.Total,
        });
    }

    public OrderChangeOutcome Pay(decimal amount, string reference, DateTimeOffset now)
    {
        if (Forbids(PayableFrom) is { } refusal)
        {
            return refusal;
        }

        if (amount != Total)
        {
            return OrderChangeOutcome.Refused(new OrderRefusal.AmountMismatch(amount, Total, Currency));
        }

        MoveTo(OrderStatus.Paid, now);
        PaidAmount = amount;
        PaymentReference = reference;
        PaidAt = now;
        return OrderChangeOutcome.Applied(new OrderPaid
        {
            OrderId = Id,
            UserId = UserId,
            OccurredAt = now,
            SchemaVersion = OrderPaid.CurrentSchemaVersion,
            Sequence = Sequence,
            Amount = amount,
            Currency = Currency,
            Reference = reference,
        });
    }

    public OrderChangeOutcome Ship(string carrier, string trackingNumber, DateTimeOffset now)
    {
        if (Forbids(ShippableFrom) is { } refusal)
        {
            return refusal;
        }

        MoveTo(OrderStatus.Shipped, now);
        Carrier = carrier;
        TrackingNumber = trackingNumber;
        ShippedAt = now;
        return OrderChangeOutcome.Applied(new OrderShipped
        {
            OrderId = Id,
            UserId = UserId,
            OccurredAt = now,
            SchemaVersion = OrderShipped.CurrentSchemaVersion,
            Sequence = Sequence,
            Carrier = carrier,
            TrackingNumber = trackingNumber,
        });
    }

    public OrderChangeOutcome Deliver(DateTimeOffset now)
    {
        if (Forbids(DeliverableFrom) is { } refusal)
        {
            return refusal;
        }

        MoveTo(OrderStatus.Delivered, now);
        DeliveredAt = now;
        return OrderChangeOutcome.Applied(new OrderDelivered
        {
            OrderId = Id,
            UserId = UserId,
            OccurredAt = now,
            SchemaVersion = OrderDelivered.CurrentSchemaVersion,
            Sequence = Sequence,
        });
    }

    public OrderChangeOutcome Cancel(string reason, DateTimeOffset now)
    {
        if (Forbids(CancellableFrom) is { } refusal)
        {
            return refusal;
        }

        MoveTo(OrderStatus.Cancelled, now);
        CancellationReason = reason;
        CancelledAt = now;
        return OrderChangeOutcome.Applied(new OrderCancelled
        {
            OrderId = Id,
            UserId = UserId,
            OccurredAt = now,
            SchemaVersion = OrderCancelled.CurrentSchemaVersion,
            Sequence = Sequence,
            Reason = reason,
        });
    }

    private OrderChangeOutcome? Forbids(IReadOnlyList<OrderStatus> allowedFrom) =>
        allowedFrom.Contains(Status) ? null : OrderChangeOutcome.Refused(new OrderRefusal.StatusForbids(Status, allowedFrom));

    private void MoveTo(OrderStatus status, DateTimeOffset now)
    {
        Status = status;
        Sequence++;
        UpdatedAt = now;
    }
}
