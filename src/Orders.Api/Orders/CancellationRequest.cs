namespace Orders.Api.Orders;

/// <summary>Body of <c>POST /orders/{id}/cancellation</c>.</summary>
public sealed record CancellationRequest(string? Reason);
