namespace Orders.Processor.Fulfilment;

/// <summary>The payment deadline of an order passed. Scheduled by the saga, delivered back to it by the scheduler.</summary>
public sealed record PaymentTimedOut
{
    public required Guid OrderId { get; init; }
}
