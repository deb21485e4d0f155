namespace Orders.Api.Orders;

/// <summary>One line of <see cref="SubmitOrderRequest"/>.</summary>
public sealed record OrderLineRequest(string? Sku, long? Quantity, decimal? UnitPrice);
