using Orders.Contracts;

namespace Orders.Api.Orders;

/// <summary>An order as the API returns it.</summary>
public sealed record OrderResponse(
    Guid Id,
    long UserId,
    string Currency,
    IReadOnlyList<OrderLine> Lines,
    decimal Total,
    OrderStatus Status,
    int Sequence,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PaidAt,
    string? PaymentReference,
    string? Carrier,
    string? TrackingNumber,
    DateTimeOffset? ShippedAt,
    DateTimeOffset? DeliveredAt,
    string? CancellationReason,
    DateTimeOffset? CancelledAt)
{
    public static OrderResponse From(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new(
            order.Id,
            order.UserId,
            order.Currency,
            order.Lines,
            order.Total,
            order.Status,
            order.Sequence,
            order.CreatedAt,
            order.UpdatedAt,
            order.PaidAt,
            order.PaymentReference,
            order.Carrier,
            order.TrackingNumber,
            order.ShippedAt,
            order.DeliveredAt,
            order.CancellationReason,
            order.CancelledAt);
    }
}
