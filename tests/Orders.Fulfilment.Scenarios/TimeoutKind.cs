namespace Orders.Fulfilment.Scenarios;

/// <summary>The saga's two deadlines.</summary>
public enum TimeoutKind
{
    /// <summary><c>PaymentTimedOut</c>, <c>Fulfilment:PaymentTimeout</c> after submission.</summary>
    Payment,

    /// <summary><c>ShipmentTimedOut</c>, <c>Fulfilment:ShipmentTimeout</c> after payment.</summary>
    Shipment,
}
