namespace Orders.Api.Orders;

/// <summary>Body of <c>POST /orders</c>. Members are nullable so that a missing one is reported by name.</summary>
public sealed record SubmitOrderRequest(long? UserId, string? Currency, IReadOnlyList<OrderLineRequest?>? Lines);
