namespace Orders.Api.Orders;

/// <summary>
/// One page of <c>GET /orders</c>, newest first. <see cref="Next"/> is the <c>after</c> value of the following page,
/// or null on the last page.
/// </summary>
public sealed record OrderPage(IReadOnlyList<OrderResponse> Items, string? Next);
