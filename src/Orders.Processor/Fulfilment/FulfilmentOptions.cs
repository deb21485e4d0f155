namespace Orders.Processor.Fulfilment;

/// <summary>Deadlines of the fulfilment saga, section <c>Fulfilment</c>.</summary>
public sealed class FulfilmentOptions
{
    public const string SectionName = "Fulfilment";

    /// <summary>How long a submitted order may wait for payment before the processor asks the API to cancel it.</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a paid order may wait for shipment before it is flagged overdue.</summary>
    public TimeSpan ShipmentTimeout { get; set; } = TimeSpan.FromHours(48);
}
