namespace Orders.Api.Orders;

/// <summary>Why an order refused a change; the order is left exactly as it was.</summary>
public abstract record OrderRefusal
{
    private OrderRefusal()
    {
    }

    /// <summary>The order's status is not one the change may start from.</summary>
    public sealed record StatusForbids(OrderStatus Current, IReadOnlyList<OrderStatus> AllowedFrom) : OrderRefusal;

    /// <summary>A payment whose amount is not the order's total.</summary>
    public sealed record AmountMismatch(decimal Amount, decimal Total, string Currency) : OrderRefusal;
}
