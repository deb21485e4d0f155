using System.Text.Json;
using Npgsql;
using Orders.Contracts;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// An order's events as the outbox recorded them, in commit order: read from the <c>outbox</c> table, or from the JSON
/// file <see cref="ExportSql"/> writes (an array of <c>{"id", "type", "payload", "created_at"}</c>, the payload as
/// stored, as an object or as a string).
/// </summary>
public static class RecordedHistory
{
    /// <summary>
    /// The export, one JSON array for the order given as parameter <c>$1</c> (or, in psql, <c>:'order'</c>); see
    /// docs/saga-scenarios.md for the psql command line.
    /// </summary>
    public const string ExportSql = """
        SELECT coalesce(json_agg(json_build_object('id', id, 'type', type, 'payload', payload, 'created_at', created_at)
                                 ORDER BY transaction_id), '[]')
        FROM outbox WHERE aggregate_id = $1
        """;

    /// <summary>Runs <see cref="ExportSql"/> for the order on the Orders database.</summary>
    public static async Task<string> ExportAsync(string connectionString, Guid orderId, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(ExportSql, connection) { Parameters = { new() { Value = orderId } } };
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The events of an exported history, in its order; a row that is not an order event is a clear error.</summary>
    public static IReadOnlyList<IOrderEvent> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("A recorded history is a JSON array of outbox rows.");
        }

        var events = new List<IOrderEvent>();
        foreach (var row in document.RootElement.EnumerateArray())
        {
            var id = row.TryGetProperty("id", out var rowId) ? rowId.ToString() : "?";
            if (!row.TryGetProperty("type", out var type) || !OrderEventTypes.ByName.TryGetValue(type.GetString() ?? "", out var eventType))
            {
                throw new FormatException($"Outbox row {id}: no known event type.");
            }

            if (!row.TryGetProperty("payload", out var payload))
            {
                throw new FormatException($"Outbox row {id}: no payload.");
            }

            var text = payload.ValueKind == JsonValueKind.String ? payload.GetString()! : payload.GetRawText();
            events.Add(JsonSerializer.Deserialize(text, eventType, OrderEventTypes.JsonOptions) as IOrderEvent
                ?? throw new FormatException($"Outbox row {id}: the payload is not a {type.GetString()}."));
        }

        return events;
    }
}
