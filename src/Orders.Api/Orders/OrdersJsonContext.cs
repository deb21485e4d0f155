using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orders.Api.Orders;

/// <summary>Source-generated JSON metadata of the order endpoints' bodies, so no request pays for reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SubmitOrderRequest))]
[JsonSerializable(typeof(PaymentRequest))]
[JsonSerializable(typeof(ShipmentRequest))]
[JsonSerializable(typeof(CancellationRequest))]
[JsonSerializable(typeof(OrderResponse))]
[JsonSerializable(typeof(OrderPage))]
internal sealed partial class OrdersJsonContext : JsonSerializerContext;
