using System.Globalization;
using System.Text;
using Orders.Api.Outbox;
using Orders.Contracts;
using Orders.Relay.Tests.Support;
using Orders.Testing;
using Xunit;

namespace Orders.Relay.Tests;

/// <summary>What the relay puts on the topic for rows the API writes: the connector's bytes, key and partition.</summary>
[Collection(RelayFixtures.Name)]
public sealed class RelayPublishingTests(PostgresFixture postgres, KafkaFixture kafka)
{
    private const string QueryModeSchema = """{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"user_id"},{"type":"string","optional":false,"field":"aggregate_id"},{"type":"string","optional":false,"field":"type"},{"type":"string","optional":false,"field":"payload"},{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"},{"type":"int64","optional":false,"field":"transaction_id"}],"optional":false},"payload":""";

    private const string Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Rows_written_like_the_API_reach_the_topic_as_the_connector_would_write_them()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-bytes-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        await using var relay = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic);

        var submitted = await database.WriteEventAsync(new OrderSubmitted
        {
            OrderId = Guid.Parse("8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21"),
            UserId = 42,
            OccurredAt = DateTimeOffset.Parse("2024-05-01T12:34:56.789123+00:00", CultureInfo.InvariantCulture),
            SchemaVersion = OrderSubmitted.CurrentSchemaVersion,
            Sequence = 1,
            Currency = "EUR",
            Lines = [new OrderLine { Sku = "Käse \"A\" 😀\u0001/\\", Quantity = 2, UnitPrice = 61.50m }],
            Total = 123.00m,
        });
        var beforeEpoch = await WriteMessageAsync(database, new OutboxMessage
        {
            UserId = -5,
            AggregateId = Guid.Parse("FFFFFFFF-0000-4000-8000-000000000003"),
            Type = "Tab\there\u001f",
            Payload = """{"msg":"hi 😀","n":1e2}""",
            CreatedAt = DateTimeOffset.Parse("1969-12-31T23:59:59.9995+00:00", CultureInfo.InvariantCulture),
            Traceparent = Traceparent,
        });
        var longAgo = await WriteMessageAsync(database, new OutboxMessage
        {
            UserId = long.MaxValue,
            AggregateId = Guid.Empty,
            Type = "OrderCancelled",
            Payload = """{"reason": "ça & <b>", "x": [1, 2.50]}""",
            CreatedAt = DateTimeOffset.Parse("1900-01-01T00:00:00.000001+00:00", CultureInfo.InvariantCulture),
        });

        await collector.WaitForCountAsync(3, Timeout);
        var records = collector.Records.OrderBy(r => r.TransactionId).ToList();

        AssertRecord(
            records[0],
            "42",
            QueryModeSchema + $$$"""{"id":{{{submitted.Id}}},"user_id":42,"aggregate_id":"8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21","type":"OrderSubmitted","payload":"{\"lines\": [{\"sku\": \"Käse \\\"A\\\" \uD83D\uDE00\\u0001/\\\\\", \"quantity\": 2, \"unitPrice\": 61.50}], \"total\": 123.00, \"userId\": 42, \"orderId\": \"8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21\", \"currency\": \"EUR\", \"sequence\": 1, \"occurredAt\": \"2024-05-01T12:34:56.789123+00:00\", \"schemaVersion\": 1}","created_at":1714566896789,"transaction_id":{{{submitted.TransactionId}}}}}""",
            traceparent: null,
            collector.PartitionCount);
        AssertRecord(
            records[1],
            "-5",
            QueryModeSchema + $$$"""{"id":{{{beforeEpoch.Id}}},"user_id":-5,"aggregate_id":"ffffffff-0000-4000-8000-000000000003","type":"Tab\there\u001F","payload":"{\"n\": 100, \"msg\": \"hi \uD83D\uDE00\"}","created_at":-1,"transaction_id":{{{beforeEpoch.TransactionId}}}}}""",
            Traceparent,
            collector.PartitionCount);
        AssertRecord(
            records[2],
            "9223372036854775807",
            QueryModeSchema + $$$"""{"id":{{{longAgo.Id}}},"user_id":9223372036854775807,"aggregate_id":"00000000-0000-0000-0000-000000000000","type":"OrderCancelled","payload":"{\"x\": [1, 2.50], \"reason\": \"ça & <b>\"}","created_at":-2208988800000,"transaction_id":{{{longAgo.TransactionId}}}}}""",
            traceparent: null,
            collector.PartitionCount);
    }

    /// <summary>
    /// The value holds no traceparent field (HeaderFrom moves it out); the one header is what SimpleHeaderConverter
    /// writes for the moved string: its UTF-8 bytes, or a null value for SQL NULL.
    /// </summary>
    private static void AssertRecord(ReceivedRecord record, string key, string value, string? traceparent, int partitionCount)
    {
        Assert.Equal(value, Encoding.UTF8.GetString(record.Value));
        Assert.Equal(Encoding.UTF8.GetBytes(key), record.Key);
        Assert.Equal(Murmur2.Partition(record.Key, partitionCount), record.Partition);
        var header = Assert.Single(record.Headers);
        Assert.Equal("traceparent", header.Key);
        Assert.Equal(traceparent is null ? null : Encoding.UTF8.GetBytes(traceparent), header.Value);
    }

    private static async Task<OutboxMessage> WriteMessageAsync(OutboxDatabase database, OutboxMessage message)
    {
        await using var context = database.CreateContext();
        context.Outbox.Add(message);
        await context.SaveChangesAsync();
        return message;
    }
}
