using Orders.Contracts;

namespace Orders.Processor.Tests.Kafka;

internal static class TestEvents
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One order's life in sequence order: submitted, paid, shipped, delivered.</summary>
    public static IOrderEvent[] Lifecycle(long userId, Guid? orderId = null)
    {
        var id = orderId ?? Guid.NewGuid();
        return
        [
            Submitted(userId, id),
            new OrderPaid
            {
                OrderId = id, UserId = userId, OccurredAt = Start.AddMinutes(1), SchemaVersion = 1, Sequence = 2,
                Amount = 25.50m, Currency = "EUR", Reference = "pay-" + id.ToString("N")[..8],
            },
            new OrderShipped
            {
                OrderId = id, UserId = userId, OccurredAt = Start.AddMinutes(2), SchemaVersion = 1, Sequence = 3,
                Carrier = "DHL", TrackingNumber = "TRACK-1",
            },
            new OrderDelivered { OrderId = id, UserId = userId, OccurredAt = Start.AddMinutes(3), SchemaVersion = 1, Sequence = 4 },
        ];
    }

    public static OrderSubmitted Submitted(long userId, Guid orderId) => new()
    {
        OrderId = orderId,
        UserId = userId,
        OccurredAt = Start,
        SchemaVersion = 1,
        Sequence = 1,
        Currency = "EUR",
        Lines = [new OrderLine { Sku = "A-1", Quantity = 2, UnitPrice = 12.75m }],
        Total = 25.50m,
    };

    public static OrderCancelled Cancelled(long userId, Guid orderId, int sequence) => new()
    {
        OrderId = orderId,
        UserId = userId,
        OccurredAt = Start.AddMinutes(1),
        SchemaVersion = 1,
        Sequence = sequence,
        Reason = "changed mind",
    };

    /// <summary>What identifies an event across serialization: its order and its change number.</summary>
    public static (Guid OrderId, int Sequence) Identity(this IOrderEvent orderEvent) => (orderEvent.OrderId, orderEvent.Sequence);
}
