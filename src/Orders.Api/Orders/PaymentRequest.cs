namespace Orders.Api.Orders;

/// <summary>Body of <c>POST /orders/{id}/payment</c>: the amount must equal the order's total.</summary>
public sealed record PaymentRequest(decimal? Amount, string? Reference);
