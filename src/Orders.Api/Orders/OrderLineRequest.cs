using System.Text.Json.Serialization;

namespace Orders.Api.Orders;

/// <summary>One line of <see cref="SubmitOrderRequest"/>.</summary>
public sealed record OrderLineRequest(
    string? Sku, long? Quantity, [property: JsonConverter(typeof(MoneyJsonConverter))] decimal? UnitPrice);
