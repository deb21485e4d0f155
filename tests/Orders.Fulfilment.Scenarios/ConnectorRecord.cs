using System.Globalization;
using System.Text;
using System.Text.Json;
using Orders.Contracts;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// An order event as the shipped connector (query mode, ops/connect/outbox-source.json) puts it on the topic: the plain
/// user id as key, the JsonConverter envelope of the outbox row as value (/work/shared/connect-format.md).
/// </summary>
internal static class ConnectorRecord
{
    private const string Schema =
        """{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"user_id"},{"type":"string","optional":false,"field":"aggregate_id"},{"type":"string","optional":false,"field":"type"},{"type":"string","optional":false,"field":"payload"},{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"},{"type":"int64","optional":false,"field":"transaction_id"}],"optional":false}""";

    public static byte[] Key(IOrderEvent orderEvent) => Encoding.UTF8.GetBytes(orderEvent.UserId.ToString(CultureInfo.InvariantCulture));

    public static byte[] Value(IOrderEvent orderEvent, long outboxId)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("schema");
            json.WriteRawValue(Schema);
            json.WriteStartObject("payload");
            json.WriteNumber("id", outboxId);
            json.WriteNumber("user_id", orderEvent.UserId);
            json.WriteString("aggregate_id", orderEvent.OrderId.ToString("D"));
            json.WriteString("type", OrderEventTypes.NameOf(orderEvent));
            json.WriteString("payload", JsonSerializer.Serialize(orderEvent, orderEvent.GetType(), OrderEventTypes.JsonOptions));
            json.WriteNumber("created_at", orderEvent.OccurredAt.ToUnixTimeMilliseconds());
            json.WriteNumber("transaction_id", outboxId);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
