namespace Orders.Processor.Fulfilment;

/// <summary>The shipment deadline of a paid order passed. Scheduled by the saga, delivered back to it by the scheduler.</summary>
public sealed record ShipmentTimedOut
{
    public required Guid OrderId { get; init; }
}
