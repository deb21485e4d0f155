namespace Orders.Api.Orders;

/// <summary>Where an order is in its life. Stored as text, so the names are part of the schema.</summary>
public enum OrderStatus
{
    Submitted,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}
