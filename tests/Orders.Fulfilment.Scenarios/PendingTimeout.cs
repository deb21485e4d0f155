using Orders.Processor.Fulfilment;

namespace Orders.Fulfilment.Scenarios;

/// <summary>A timeout the saga has scheduled and not yet had delivered: its message type's name and when it is due.</summary>
public sealed record PendingTimeout(string Name, DateTimeOffset DueAt)
{
    public static PendingTimeout Payment(DateTimeOffset dueAt) => new(nameof(PaymentTimedOut), dueAt);

    public static PendingTimeout Shipment(DateTimeOffset dueAt) => new(nameof(ShipmentTimedOut), dueAt);

    public override string ToString() => $"{Name} due {DueAt:yyyy-MM-dd HH:mm:ss}";
}
