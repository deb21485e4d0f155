using System.Globalization;
using System.Text.Json;
using Orders.Contracts;

namespace Orders.Processor.Kafka;

/// <summary>
/// Reads an outbox record as the Kafka Connect JDBC source writes it: the value is JsonConverter's
/// <c>{"schema":...,"payload":{row}}</c> envelope (or the bare row when <c>schemas.enable=false</c>), the key is the
/// user id, either plain (<c>42</c>, query mode with ExtractField) or as the seed's <c>Struct{user_id=42}</c>.
/// </summary>
/// <remarks>
/// Every way a record can be wrong ends in a <see cref="PoisonRecordException"/>; nothing else escapes, so the consumer
/// can tell "never going to work" apart from "try again".
/// </remarks>
public static class OutboxRecordDecoder
{
    private static readonly long MinUnixMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static OutboxRecord Decode(byte[]? key, byte[]? value)
    {
        var keyUserId = ParseKey(key);
        if (value is null || value.Length == 0)
        {
            throw new PoisonRecordException("empty-value", "The record has no value.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(value);
        }
        catch (JsonException exception)
        {
            throw new PoisonRecordException("malformed-json", "The value is not JSON: " + exception.Message, exception);
        }

        using (document)
        {
            var row = RowOf(document.RootElement);
            var id = Int64(row, "id");
            var userId = Int64(row, "user_id");
            var aggregateId = Uuid(row, "aggregate_id");
            var type = Text(row, "type");
            var payload = Text(row, "payload");
            var createdAt = Timestamp(row, "created_at");
            long? transactionId = row.TryGetProperty("transaction_id", out _) ? Int64(row, "transaction_id") : null;

            var orderEvent = Deserialize(type, payload);
            Check(keyUserId == userId, $"The key's user id {keyUserId} differs from the row's {userId}.");
            Check(orderEvent.UserId == userId, $"The event's user id {orderEvent.UserId} differs from the row's {userId}.");
            Check(orderEvent.OrderId == aggregateId, $"The event's order id {orderEvent.OrderId} differs from the row's aggregate id {aggregateId}.");

            return new OutboxRecord(
                id, userId, aggregateId, createdAt, transactionId, orderEvent);
        }
    }

    private static long ParseKey(byte[]? key)
    {
        if (key is null)
        {
            throw new PoisonRecordException("invalid-key", "The record has no key.");
        }

        ReadOnlySpan<byte> text = key;
        // The seed's connector (ValueToKey without ExtractField) writes Struct.toString() through StringConverter.
        if (text.StartsWith("Struct{user_id="u8) && text.EndsWith("}"u8))
        {
            text = text["Struct{user_id=".Length..^1];
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var userId)
            ? userId
            : throw new PoisonRecordException("invalid-key", "The key is neither a user id nor Struct{user_id=...}.");
    }

    private static JsonElement RowOf(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new PoisonRecordException("invalid-envelope", "The value is not a JSON object.");
        }

        // With schemas.enable=true (the JsonConverter default) the row is wrapped; without it the row is the value.
        var row = root;
        if (root.TryGetProperty("schema", out _))
        {
            if (!root.TryGetProperty("payload", out row))
            {
                throw new PoisonRecordException("invalid-envelope", "The envelope has a schema but no payload.");
            }
        }

        return row.ValueKind == JsonValueKind.Object
            ? row
            : throw new PoisonRecordException("invalid-envelope", "The envelope's payload is not an object.");
    }

    private static IOrderEvent Deserialize(string type, string payload)
    {
        if (!OrderEventTypes.ByName.TryGetValue(type, out var eventType))
        {
            throw new PoisonRecordException("unknown-type", $"The event type '{type}' is not known.");
        }

        IOrderEvent? orderEvent;
        try
        {
            orderEvent = JsonSerializer.Deserialize(payload, eventType, OrderEventTypes.JsonOptions) as IOrderEvent;
        }
        catch (JsonException exception)
        {
            throw new PoisonRecordException("invalid-payload", $"The payload is not a valid {type}: {exception.Message}", exception);
        }

        if (orderEvent is null)
        {
            throw new PoisonRecordException("invalid-payload", $"The payload of the {type} is null.");
        }

        var known = orderEvent switch
        {
            OrderSubmitted => OrderSubmitted.CurrentSchemaVersion,
            OrderPaid => OrderPaid.CurrentSchemaVersion,
            OrderShipped => OrderShipped.CurrentSchemaVersion,
            OrderDelivered => OrderDelivered.CurrentSchemaVersion,
            OrderCancelled => OrderCancelled.CurrentSchemaVersion,
            _ => 0,
        };
        return orderEvent.SchemaVersion >= 1 && orderEvent.SchemaVersion <= known
            ? orderEvent
            : throw new PoisonRecordException(
                "unsupported-schema-version", $"The {type} has schema version {orderEvent.SchemaVersion}; this processor knows 1 to {known}.");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new PoisonRecordException("id-mismatch", message);
        }
    }

    private static JsonElement Field(JsonElement row, string name, JsonValueKind kind) =>
        !row.TryGetProperty(name, out var field) || field.ValueKind == JsonValueKind.Null
            ? throw new PoisonRecordException("missing-field", $"The row has no '{name}'.")
            : field.ValueKind == kind
                ? field
                : throw new PoisonRecordException("invalid-field", $"The row's '{name}' is {field.ValueKind}, not {kind}.");

    private static long Int64(JsonElement row, string name) =>
        Field(row, name, JsonValueKind.Number).TryGetInt64(out var number)
            ? number
            : throw new PoisonRecordException("invalid-field", $"The row's '{name}' is not a 64-bit integer.");

    private static DateTimeOffset Timestamp(JsonElement row, string name)
    {
        var milliseconds = Int64(row, name);
        return milliseconds >= MinUnixMilliseconds && milliseconds <= MaxUnixMilliseconds
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : throw new PoisonRecordException("invalid-field", $"The row's '{name}' ({milliseconds} ms) is outside the years 1 to 9999.");
    }

    private static string Text(JsonElement row, string name) => Field(row, name, JsonValueKind.String).GetString()!;

    private static Guid Uuid(JsonElement row, string name) =>
        Guid.TryParseExact(Text(row, name), "D", out var uuid)
            ? uuid
            : throw new PoisonRecordException("invalid-field", $"The row's '{name}' is not a UUID.");
}
