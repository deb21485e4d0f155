using System.Text.Json;
using Npgsql;
using Orders.Contracts;
using Orders.Fulfilment.Scenarios;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>
/// The replay command's core: an order's history exported from the outbox with the documented SQL, replayed through
/// the current saga in virtual time.
/// </summary>
[Collection(PostgresDefinition.Name)]
public sealed class SagaReplayTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Submitted = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Exported_history_replays_through_the_saga_printing_each_transition()
    {
        var database = await postgres.CreateDatabaseAsync();
        var orderId = Guid.NewGuid();
        await WriteOutboxAsync(database,
            OrderEvent(orderId, 1, Submitted, new { currency = "EUR", lines = new[] { new { sku = "B", quantity = 1, unitPrice = 9.5m } }, total = 9.5m }, "OrderSubmitted"),
            OrderEvent(orderId, 2, Submitted.AddMinutes(15).AddSeconds(2), new { reason = "payment-timeout" }, "OrderCancelled"),
            OrderEvent(orderId, 3, Submitted.AddHours(1), new { amount = 9.5m, currency = "EUR", reference = "late" }, "OrderPaid"));
        var file = Path.Combine(Path.GetTempPath(), $"history-{orderId}.json");
        await File.WriteAllTextAsync(file, await RecordedHistory.ExportAsync(database, orderId));
        var output = new StringWriter();

        var state = await SagaReplay.RunAsync(RecordedHistory.Parse(await File.ReadAllTextAsync(file)), output, TimeSpan.FromDays(3));

        Assert.Equal("Cancelled", state);
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Collection(
            lines.Skip(1).SkipLast(2),
            l => Assert.Matches(@"^2026-03-02 10:00:00  OrderSubmitted #1\s+none\s+-> AwaitingPayment\s+timeouts: \[PaymentTimedOut due 2026-03-02 10:15:00\]  api calls: 0$", l),
            l => Assert.Matches(@"^2026-03-02 10:15:00  \(timeout due\)\s+AwaitingPayment\s+-> AwaitingPayment\s+timeouts: \[\]  api calls: 1$", l),
            l => Assert.Matches(@"^2026-03-02 10:15:02  OrderCancelled #2\s+AwaitingPayment\s+-> Cancelled\s+timeouts: \[\]  api calls: 1$", l),
            l => Assert.Matches(@"^2026-03-02 11:00:00  OrderPaid #3\s+Cancelled\s+-> Cancelled ", l));
        Assert.Equal($"API: POST /orders/{orderId}/cancellation {{\"reason\":\"payment-timeout\"}} -> 200", lines[^2]);
        Assert.Equal("Final state: Cancelled", lines[^1]);
        File.Delete(file);
    }

    [Fact]
    public async Task History_with_a_gap_replays_to_parked()
    {
        var orderId = Guid.NewGuid();
        var history = JsonSerializer.Serialize(new object[]
        {
            OrderEvent(orderId, 1, Submitted, new { currency = "EUR", lines = Array.Empty<object>(), total = 0m }, "OrderSubmitted"),
            OrderEvent(orderId, 3, Submitted.AddDays(1), new { carrier = "DHL", trackingNumber = "T" }, "OrderShipped"),
        });

        var state = await SagaReplay.RunAsync(RecordedHistory.Parse(history), TextWriter.Null, TimeSpan.Zero);

        Assert.Equal("Parked", state);
    }

    [Theory]
    [InlineData("{}", "A recorded history is a JSON array of outbox rows.")]
    [InlineData("""[{"id":7,"type":"OrderRefunded","payload":{}}]""", "Outbox row 7: no known event type.")]
    [InlineData("""[{"id":8,"type":"OrderPaid"}]""", "Outbox row 8: no payload.")]
    public void History_that_is_not_outbox_rows_is_refused_with_the_reason(string history, string reason)
    {
        var error = Assert.Throws<FormatException>(() => RecordedHistory.Parse(history));

        Assert.Equal(reason, error.Message);
    }

    /// <summary>An outbox row as the API writes it: the event's payload as jsonb, its commit time as created_at.</summary>
    private static Dictionary<string, object> OrderEvent(Guid orderId, int sequence, DateTimeOffset at, object fields, string type)
    {
        var payload = JsonSerializer.SerializeToElement(fields, OrderEventTypes.JsonOptions).EnumerateObject()
            .ToDictionary(p => p.Name, p => (object)p.Value);
        payload["orderId"] = orderId;
        payload["userId"] = 7L;
        payload["occurredAt"] = at;
        payload["schemaVersion"] = 1;
        payload["sequence"] = sequence;
        return new() { ["type"] = type, ["payload"] = payload, ["created_at"] = at, ["aggregate_id"] = orderId };
    }

    private static async Task WriteOutboxAsync(string database, params Dictionary<string, object>[] rows)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("""
            CREATE TABLE outbox (
                id serial PRIMARY KEY, user_id bigint NOT NULL, aggregate_id uuid NOT NULL, type text NOT NULL,
                payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
                transaction_id bigint NOT NULL DEFAULT (pg_current_xact_id()::text)::bigint UNIQUE)
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        foreach (var row in rows)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO outbox (user_id, aggregate_id, type, payload, created_at) VALUES (7, $1, $2, $3::jsonb, $4)", connection)
            {
                Parameters =
                {
                    new() { Value = row["aggregate_id"] },
                    new() { Value = row["type"] },
                    new() { Value = JsonSerializer.Serialize(row["payload"], OrderEventTypes.JsonOptions) },
                    new() { Value = row["created_at"] },
                },
            };
            await insert.ExecuteNonQueryAsync();
        }
    }
}
