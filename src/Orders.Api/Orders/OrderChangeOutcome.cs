using Orders.Contracts;

namespace Orders.Api.Orders;

/// <summary>
/// What a change method of <see cref="Order"/> answers: the event to write with the changed order, or the refusal that
/// left it untouched. Exactly one of the two is set.
/// </summary>
public sealed class OrderChangeOutcome
{
    private OrderChangeOutcome(IOrderEvent? orderEvent, OrderRefusal? refusal)
    {
        Event = orderEvent;
        Refusal = refusal;
    }

    public IOrderEvent? Event { get; }

    public OrderRefusal? Refusal { get; }

    public static OrderChangeOutcome Applied(IOrderEvent orderEvent) => new(orderEvent, null);

    public static OrderChangeOutcome Refused(OrderRefusal refusal) => new(null, refusal);
}
