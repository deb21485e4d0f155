using System.Text.Json;

namespace Orders.Operations.Kafka;

/// <summary>
/// The outbox row inside a topic record, as far as operators need it: JsonConverter's <c>{"schema","payload"}</c>
/// envelope or the bare row, as the processor accepts both.
/// </summary>
public sealed record TopicOutboxRecord(long Id, long UserId, Guid AggregateId, string Type, int? Sequence)
{
    /// <summary>The row, or null when the value is not an outbox row (poison, for example).</summary>
    public static TopicOutboxRecord? TryRead(byte[]? value)
    {
        if (value is null || value.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            var row = document.RootElement;
            if (row.ValueKind == JsonValueKind.Object && row.TryGetProperty("schema", out _) && row.TryGetProperty("payload", out var inner))
            {
                row = inner;
            }

            if (row.ValueKind != JsonValueKind.Object
                || !row.TryGetProperty("id", out var id) || !id.TryGetInt64(out var rowId)
                || !row.TryGetProperty("aggregate_id", out var aggregate) || !Guid.TryParse(aggregate.GetString(), out var aggregateId))
            {
                return null;
            }

            var userId = row.TryGetProperty("user_id", out var user) && user.TryGetInt64(out var u) ? u : 0;
            var type = row.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            return new TopicOutboxRecord(rowId, userId, aggregateId, type, SequenceOf(row));
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static int? SequenceOf(JsonElement row)
    {
        if (!row.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        using var orderEvent = JsonDocument.Parse(payload.GetString()!);
        return orderEvent.RootElement.ValueKind == JsonValueKind.Object
            && orderEvent.RootElement.TryGetProperty("sequence", out var sequence) && sequence.TryGetInt32(out var value)
            ? value
            : null;
    }
}
