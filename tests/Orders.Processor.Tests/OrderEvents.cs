using Orders.Contracts;

namespace Orders.Processor.Tests;

/// <summary>Order events as the Kafka bridge hands them to the mediator.</summary>
internal static class OrderEvents
{
    public static OrderSubmitted Submitted(Guid orderId, int sequence = 1) => new()
    {
        OrderId = orderId,
        UserId = 42,
        OccurredAt = DateTimeOffset.UtcNow,
        SchemaVersion = OrderSubmitted.CurrentSchemaVersion,
        Sequence = sequence,
        Currency = "EUR",
        Lines = [new OrderLine { Sku = "SKU-1", Quantity = 2, UnitPrice = 10.50m }],
        Total = 21.00m,
    };

    public static OrderPaid Paid(Guid orderId, int sequence = 2) => new()
    {
        OrderId = orderId,
        UserId = 42,
        OccurredAt = DateTimeOffset.UtcNow,
        SchemaVersion = OrderPaid.CurrentSchemaVersion,
        Sequence = sequence,
        Amount = 21.00m,
        Currency = "EUR",
        Reference = "pay-1",
    };

    public static OrderShipped Shipped(Guid orderId, int sequence = 3) => new()
    {
        OrderId = orderId,
        UserId = 42,
        OccurredAt = DateTimeOffset.UtcNow,
        SchemaVersion = OrderShipped.CurrentSchemaVersion,
        Sequence = sequence,
        Carrier = "DHL",
        TrackingNumber = "TRACK-1",
    };

    public static OrderDelivered Delivered(Guid orderId, int sequence = 4) => new()
    {
        OrderId = orderId,
        UserId = 42,
        OccurredAt = DateTimeOffset.UtcNow,
        SchemaVersion = OrderDelivered.CurrentSchemaVersion,
        Sequence = sequence,
    };

    public static OrderCancelled Cancelled(Guid orderId, int sequence = 2, string reason = OrderCancelled.PaymentTimeoutReason) => new()
    {
        OrderId = orderId,
        UserId = 42,
        OccurredAt = DateTimeOffset.UtcNow,
        SchemaVersion = OrderCancelled.CurrentSchemaVersion,
        Sequence = sequence,
        Reason = reason,
    };
}
