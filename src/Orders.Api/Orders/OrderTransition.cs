namespace Orders.Api.Orders;

/// <summary>A status change after submission: its name in messages and the statuses it may start from.</summary>
internal sealed record OrderTransition(string Name, IReadOnlyList<OrderStatus> AllowedFrom)
{
    public static OrderTransition Payment { get; } = new("payment", [OrderStatus.Submitted]);

    public static OrderTransition Shipment { get; } = new("shipment", [OrderStatus.Paid]);

    public static OrderTransition Delivery { get; } = new("delivery", [OrderStatus.Shipped]);

    public static OrderTransition Cancellation { get; } = new("cancellation", [OrderStatus.Submitted, OrderStatus.Paid]);
}
