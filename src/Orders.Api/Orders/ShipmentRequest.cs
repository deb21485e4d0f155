namespace Orders.Api.Orders;

/// <summary>Body of <c>POST /orders/{id}/shipment</c>.</summary>
public sealed record ShipmentRequest(string? Carrier, string? TrackingNumber);
