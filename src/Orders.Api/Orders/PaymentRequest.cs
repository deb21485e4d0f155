using System.Text.Json.Serialization;

namespace Orders.Api.Orders;

/// <summary>Body of <c>POST /orders/{id}/payment</c>: the amount must equal the order's total.</summary>
public sealed record PaymentRequest([property: JsonConverter(typeof(MoneyJsonConverter))] decimal? Amount, string? Reference);
