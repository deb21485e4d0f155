namespace Orders.Operations.Data;

/// <summary>
/// The processor's <c>Fulfilment</c> timeouts (same keys and defaults), which a re-driven order's restored timeout
/// is due after.
/// </summary>
public sealed class FulfilmentTimeouts
{
    public const string SectionName = "Fulfilment";

    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ShipmentTimeout { get; set; } = TimeSpan.FromHours(48);
}
