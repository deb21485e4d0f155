using System.Text;
using Orders.Contracts;
using Orders.Processor.Kafka;
using Xunit;

namespace Orders.Processor.Tests.Kafka;

public sealed class OutboxRecordDecoderTests
{
    // connect-format.md §2.6, record id=2, byte for byte (599 bytes), and its key.
    private const string WorkedExampleId2 =
        """{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"user_id"},{"type":"string","optional":false,"field":"aggregate_id"},{"type":"string","optional":false,"field":"type"},{"type":"string","optional":false,"field":"payload"},{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"outbox"},"payload":{"id":2,"user_id":7,"aggregate_id":"00000000-0000-0000-0000-000000000001","type":"OrderCancelled","payload":"{}","created_at":1714559700000}}""";

    private static readonly Guid OrderId = Guid.Parse("8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21");

    [Fact]
    public void Query_mode_record_with_a_plain_key_decodes_to_the_event_and_its_row()
    {
        var submitted = TestEvents.Submitted(42, OrderId);

        var record = OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), OutboxRecordBytes.QueryMode(9, submitted, 7781));

        Assert.Equal(9, record.Id);
        Assert.Equal(42, record.UserId);
        Assert.Equal(OrderId, record.AggregateId);
        Assert.Equal(7781, record.TransactionId);
        Assert.Equal(submitted.OccurredAt, record.CreatedAt);
        var decoded = Assert.IsType<OrderSubmitted>(record.Event);
        Assert.Equal(submitted.Total, decoded.Total);
        Assert.Equal("A-1", Assert.Single(decoded.Lines).Sku);
        Assert.Equal(1, decoded.Sequence);
    }

    [Fact]
    public void Table_mode_record_with_a_struct_key_decodes_without_a_transaction_id()
    {
        var cancelled = TestEvents.Cancelled(-5, OrderId, 2);

        var record = OutboxRecordDecoder.Decode(OutboxRecordBytes.StructKey(-5), OutboxRecordBytes.TableMode(3, cancelled));

        Assert.Null(record.TransactionId);
        Assert.Equal(-5, record.UserId);
        Assert.Equal("changed mind", Assert.IsType<OrderCancelled>(record.Event).Reason);
    }

    [Fact]
    public void The_connectors_worked_example_with_an_event_payload_in_jsonb_text_form_decodes()
    {
        // PostgreSQL's jsonb text: a space after ':' and ',', keys ordered by length then bytewise.
        const string jsonb =
            """{"reason": "changed mind", "userId": 7, "orderId": "00000000-0000-0000-0000-000000000001", "sequence": 2, "occurredAt": "2024-05-01T10:35:00+00:00", "schemaVersion": 1}""";
        var value = WorkedExampleId2.Replace("\"payload\":\"{}\"", "\"payload\":" + System.Text.Json.JsonSerializer.Serialize(jsonb), StringComparison.Ordinal);

        var record = OutboxRecordDecoder.Decode("Struct{user_id=7}"u8.ToArray(), Encoding.UTF8.GetBytes(value));

        Assert.Equal(2, record.Id);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1714559700000), record.CreatedAt);
        var cancelled = Assert.IsType<OrderCancelled>(record.Event);
        Assert.Equal(Guid.Parse("00000000-0000-0000-0000-000000000001"), cancelled.OrderId);
        Assert.Equal("changed mind", cancelled.Reason);
    }

    [Fact]
    public void The_connectors_worked_example_with_an_empty_payload_is_poison()
    {
        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode("Struct{user_id=7}"u8.ToArray(), Encoding.UTF8.GetBytes(WorkedExampleId2)));

        Assert.Equal("invalid-payload", poison.Reason);
    }

    [Fact]
    public void A_bare_row_written_with_schemas_disabled_decodes()
    {
        var submitted = TestEvents.Submitted(42, OrderId);

        var record = OutboxRecordDecoder.Decode(
            OutboxRecordBytes.PlainKey(42), Encoding.UTF8.GetBytes(OutboxRecordBytes.Row(5, submitted, 99)));

        Assert.Equal(5, record.Id);
        Assert.IsType<OrderSubmitted>(record.Event);
    }

    [Theory]
    [InlineData("{\"schema\":{", "malformed-json")]
    [InlineData("not json", "malformed-json")]
    [InlineData("[1,2]", "invalid-envelope")]
    [InlineData("{\"schema\":null,\"payload\":null}", "invalid-envelope")]
    [InlineData("{\"schema\":{}}", "invalid-envelope")]
    [InlineData("{\"schema\":{},\"payload\":{}}", "missing-field")]
    public void Values_that_are_not_an_outbox_envelope_are_poison(string value, string reason)
    {
        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), Encoding.UTF8.GetBytes(value)));

        Assert.Equal(reason, poison.Reason);
    }

    [Fact]
    public void A_missing_value_is_poison()
    {
        Assert.Equal("empty-value", Assert.Throws<PoisonRecordException>(() => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), null)).Reason);
        Assert.Equal("empty-value", Assert.Throws<PoisonRecordException>(() => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), [])).Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("Struct{user_id=}")]
    [InlineData("Struct{order_id=42}")]
    [InlineData("{\"user_id\":42}")]
    public void Keys_that_hold_no_user_id_are_poison(string? key)
    {
        var value = OutboxRecordBytes.QueryMode(1, TestEvents.Submitted(42, OrderId), 1);

        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode(key is null ? null : Encoding.UTF8.GetBytes(key), value));

        Assert.Equal("invalid-key", poison.Reason);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("user_id")]
    [InlineData("aggregate_id")]
    [InlineData("type")]
    [InlineData("payload")]
    [InlineData("created_at")]
    public void A_row_without_one_of_its_columns_is_poison(string column)
    {
        var row = System.Text.Json.Nodes.JsonNode.Parse(OutboxRecordBytes.Row(1, TestEvents.Submitted(42, OrderId), 1))!.AsObject();
        row.Remove(column);

        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), OutboxRecordBytes.Envelope(OutboxRecordBytes.QueryModeSchema, row.ToJsonString())));

        Assert.Equal("missing-field", poison.Reason);
    }

    [Theory]
    [InlineData("id", "\"1\"")]
    [InlineData("user_id", "4.5")]
    [InlineData("aggregate_id", "\"not-a-uuid\"")]
    [InlineData("payload", "{}")]
    [InlineData("transaction_id", "\"7\"")]
    [InlineData("created_at", "253402300800000")]
    [InlineData("created_at", "-62135596800001")]
    public void A_column_of_the_wrong_type_or_out_of_range_is_poison(string column, string json)
    {
        var row = System.Text.Json.Nodes.JsonNode.Parse(OutboxRecordBytes.Row(1, TestEvents.Submitted(42, OrderId), 1))!.AsObject();
        row[column] = System.Text.Json.Nodes.JsonNode.Parse(json);

        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), OutboxRecordBytes.Envelope(OutboxRecordBytes.QueryModeSchema, row.ToJsonString())));

        Assert.Equal("invalid-field", poison.Reason);
    }

    [Fact]
    public void An_unknown_event_type_is_poison()
    {
        var row = OutboxRecordBytes.Row(1, 42, OrderId, "OrderCreated", "{}", DateTimeOffset.UnixEpoch, 1);

        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), OutboxRecordBytes.Envelope(OutboxRecordBytes.QueryModeSchema, row)));

        Assert.Equal("unknown-type", poison.Reason);
    }

    [Theory]
    [InlineData("{\"orderId\":\"8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21\"")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"orderId\":\"8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21\",\"userId\":42}")]
    public void A_payload_that_is_not_the_event_is_poison(string payload)
    {
        var row = OutboxRecordBytes.Row(1, 42, OrderId, nameof(OrderDelivered), payload, DateTimeOffset.UnixEpoch, 1);

        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), OutboxRecordBytes.Envelope(OutboxRecordBytes.QueryModeSchema, row)));

        Assert.Equal("invalid-payload", poison.Reason);
    }

    [Fact]
    public void A_key_for_another_user_is_poison()
    {
        var value = OutboxRecordBytes.QueryMode(1, TestEvents.Submitted(42, OrderId), 1);

        var poison = Assert.Throws<PoisonRecordException>(() => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(43), value));

        Assert.Equal("id-mismatch", poison.Reason);
    }

    [Fact]
    public void An_event_for_another_user_than_its_row_is_poison()
    {
        var row = OutboxRecordBytes.Row(1, 42, OrderId, nameof(OrderSubmitted), OutboxRecordBytes.Payload(TestEvents.Submitted(41, OrderId)), DateTimeOffset.UnixEpoch, 1);

        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), OutboxRecordBytes.Envelope(OutboxRecordBytes.QueryModeSchema, row)));

        Assert.Equal("id-mismatch", poison.Reason);
    }

    [Fact]
    public void An_event_for_another_order_than_its_aggregate_id_is_poison()
    {
        var row = OutboxRecordBytes.Row(1, 42, OrderId, nameof(OrderSubmitted), OutboxRecordBytes.Payload(TestEvents.Submitted(42, Guid.NewGuid())), DateTimeOffset.UnixEpoch, 1);

        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), OutboxRecordBytes.Envelope(OutboxRecordBytes.QueryModeSchema, row)));

        Assert.Equal("id-mismatch", poison.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void An_event_with_a_schema_version_this_processor_does_not_know_is_poison(int schemaVersion)
    {
        var submitted = TestEvents.Submitted(42, OrderId) with { SchemaVersion = schemaVersion };

        var poison = Assert.Throws<PoisonRecordException>(
            () => OutboxRecordDecoder.Decode(OutboxRecordBytes.PlainKey(42), OutboxRecordBytes.QueryMode(1, submitted, 1)));

        Assert.Equal("unsupported-schema-version", poison.Reason);
    }
}
