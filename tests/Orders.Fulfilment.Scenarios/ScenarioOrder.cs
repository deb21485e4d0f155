using Orders.Contracts;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// One order as the Orders API sees it. Every event built here is one the API has accepted and written to its
/// outbox, numbered with the order's next sequence and stamped with the scenario's current time; whether and when the
/// saga gets it is up to the scenario (<see cref="FulfilmentScenario.GivenAsync(IOrderEvent[])"/>). Defaults: user 42, one line
/// of 2 × 10.50 EUR.
/// </summary>
public sealed class ScenarioOrder
{
    private readonly TimeProvider clock;
    private readonly List<IOrderEvent> written = [];

    internal ScenarioOrder(Guid id, TimeProvider clock)
    {
        Id = id;
        this.clock = clock;
    }

    public Guid Id { get; }

    public long UserId { get; init; } = 42;

    public string Currency { get; init; } = "EUR";

    public decimal Total { get; init; } = 21.00m;

    /// <summary>The order's status at the API: the name of the last event's status (Submitted, Paid, ...).</summary>
    public string Status { get; private set; } = "New";

    /// <summary>The order's sequence at the API: that of the last event written.</summary>
    public int Sequence => written.Count;

    /// <summary>Every event the API wrote for this order, in sequence order.</summary>
    public IReadOnlyList<IOrderEvent> Written => written;

    /// <summary>The last event the API wrote, for example the <see cref="OrderCancelled"/> it wrote when the saga asked it to cancel.</summary>
    public IOrderEvent Latest => written.Count > 0 ? written[^1] : throw new InvalidOperationException($"Order {Id} has no events yet.");

    public OrderSubmitted Submitted() => Write("Submitted", new OrderSubmitted
    {
        OrderId = Id,
        UserId = UserId,
        OccurredAt = clock.GetUtcNow(),
        SchemaVersion = OrderSubmitted.CurrentSchemaVersion,
        Sequence = Sequence + 1,
        Currency = Currency,
        Lines = [new OrderLine { Sku = "SKU-1", Quantity = 2, UnitPrice = Total / 2 }],
        Total = Total,
    });

    public OrderPaid Paid(decimal? amount = null, string reference = "psp-1") => Write("Paid", new OrderPaid
    {
        OrderId = Id,
        UserId = UserId,
        OccurredAt = clock.GetUtcNow(),
        SchemaVersion = OrderPaid.CurrentSchemaVersion,
        Sequence = Sequence + 1,
        Amount = amount ?? Total,
        Currency = Currency,
        Reference = reference,
    });

    public OrderShipped Shipped(string carrier = "DHL", string trackingNumber = "TRACK-1") => Write("Shipped", new OrderShipped
    {
        OrderId = Id,
        UserId = UserId,
        OccurredAt = clock.GetUtcNow(),
        SchemaVersion = OrderShipped.CurrentSchemaVersion,
        Sequence = Sequence + 1,
        Carrier = carrier,
        TrackingNumber = trackingNumber,
    });

    public OrderDelivered Delivered() => Write("Delivered", new OrderDelivered
    {
        OrderId = Id,
        UserId = UserId,
        OccurredAt = clock.GetUtcNow(),
        SchemaVersion = OrderDelivered.CurrentSchemaVersion,
        Sequence = Sequence + 1,
    });

    public OrderCancelled Cancelled(string reason = "customer") => Write("Cancelled", new OrderCancelled
    {
        OrderId = Id,
        UserId = UserId,
        OccurredAt = clock.GetUtcNow(),
        SchemaVersion = OrderCancelled.CurrentSchemaVersion,
        Sequence = Sequence + 1,
        Reason = reason,
    });

    /// <summary>
    /// Takes a recorded event as the order's truth at its sequence (a replayed history): what the fake API wrote itself
    /// from that sequence on is replaced.
    /// </summary>
    public void Record(IOrderEvent orderEvent)
    {
        ArgumentNullException.ThrowIfNull(orderEvent);
        written.RemoveAll(e => e.Sequence >= orderEvent.Sequence);
        Write(orderEvent.GetType().Name["Order".Length..], orderEvent);
    }

    private T Write<T>(string status, T orderEvent)
        where T : IOrderEvent
    {
        written.Add(orderEvent);
        Status = status;
        return orderEvent;
    }
}
