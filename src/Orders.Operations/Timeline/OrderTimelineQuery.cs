using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Operations.Data;
using Orders.Operations.Kafka;

namespace Orders.Operations.Timeline;

/// <summary>Reads one order's whole path: <c>orders</c>, <c>outbox</c>, the saga row, its history, timeouts and dead letters.</summary>
public sealed class OrderTimelineQuery(
    NpgsqlDataSource dataSource, KafkaTopics kafka, IOptions<OperationsKafkaOptions> kafkaOptions, IOptions<OperationsOptions> options)
{
    public async Task<OrderTimeline> LoadAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var order = await OperationsDatabase.ListAsync(
            dataSource,
            "SELECT user_id, status, sequence, total, currency, created_at, updated_at FROM orders WHERE id = @id",
            r => new OrderRow(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetDecimal(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6)),
            cancellationToken,
            ("id", orderId));
        var position = await OperationsDatabase.RelayPositionAsync(dataSource, options.Value.RelayName, cancellationToken);
        var outbox = await OperationsDatabase.ListAsync(
            dataSource,
            "SELECT id, type, (payload->>'sequence')::int, created_at, transaction_id FROM outbox WHERE aggregate_id = @id ORDER BY id",
            r => new OutboxEntry(
                r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetFieldValue<DateTimeOffset>(3), r.GetInt64(4),
                position is { } p ? r.GetInt64(4) <= p : null),
            cancellationToken,
            ("id", orderId));
        var saga = await LoadSagaAsync(dataSource, orderId, cancellationToken);
        var history = await OperationsDatabase.ListAsync(
            dataSource,
            """
            SELECT id, event, sequence, state_before, state_after, kafka_partition, kafka_offset, trace_id, recorded_at
            FROM fulfilment.order_history WHERE order_id = @id ORDER BY id
            """,
            r => new HistoryEntry(
                r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt64(6), r.IsDBNull(7) ? null : r.GetString(7),
                r.GetFieldValue<DateTimeOffset>(8)),
            cancellationToken,
            ("id", orderId));
        var timeouts = await OperationsDatabase.ListAsync(
            dataSource,
            """
            SELECT token_id, message_type, due_at, attempts, last_error, false FROM fulfilment.scheduled_timeout WHERE correlation_id = @id
            UNION ALL
            SELECT token_id, message_type, due_at, attempts, last_error, true FROM fulfilment.dead_timeout WHERE correlation_id = @id
            ORDER BY 3
            """,
            ReadTimeout,
            cancellationToken,
            ("id", orderId));
        var all = await DeadLettersAsync(cancellationToken);
        var deadLetters = all with { Letters = [.. all.Letters.Where(d => d.OrderId == orderId)] };
        return new OrderTimeline(orderId, order.SingleOrDefault(), outbox, saga, history, timeouts, deadLetters);
    }

    /// <summary>The newest dead letters of every partition, read from the dead-letter topic.</summary>
    public Task<DeadLetterList> DeadLettersAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        IReadOnlyList<Confluent.Kafka.ConsumeResult<byte[]?, byte[]?>> records;
        try
        {
            records = kafka.ReadToEnd(kafkaOptions.Value.DeadLetterTopic, options.Value.DeadLettersPerPartition, cancellationToken);
        }
        catch (Exception exception) when (exception is Confluent.Kafka.KafkaException or TimeoutException)
        {
            return new DeadLetterList([], exception.Message);
        }

        IReadOnlyList<DeadLetter> letters = [.. records.Select(r =>
        {
            var row = TopicOutboxRecord.TryRead(r.Message.Value);
            var original = $"{Header(r, "dlq-original-topic")} [{Header(r, "dlq-original-partition")}] @{Header(r, "dlq-original-offset")}";
            return new DeadLetter(r.Partition.Value, r.Offset.Value, row?.AggregateId, row?.Sequence, Header(r, "dlq-reason"), Header(r, "dlq-error"), original);
        })];
        return new DeadLetterList(letters, null);
    }, cancellationToken);

    internal static async Task<SagaRow?> LoadSagaAsync(NpgsqlDataSource dataSource, Guid orderId, CancellationToken cancellationToken) =>
        (await OperationsDatabase.ListAsync(
            dataSource,
            """
            SELECT current_state, last_sequence, expected_sequence, received_sequence, parked_at, cancellation_requested_at,
                   refund_required, refund_amount, refund_currency, updated_at
            FROM fulfilment.order_state WHERE correlation_id = @id
            """,
            ReadSaga,
            cancellationToken,
            ("id", orderId))).SingleOrDefault();

    internal static SagaRow ReadSaga(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt32(3),
        r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
        r.GetBoolean(6), r.IsDBNull(7) ? null : r.GetDecimal(7), r.IsDBNull(8) ? null : r.GetString(8), r.GetFieldValue<DateTimeOffset>(9));

    internal static TimeoutEntry ReadTimeout(NpgsqlDataReader r) => new(
        r.GetGuid(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetInt32(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetBoolean(5));

    private static string Header(Confluent.Kafka.ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers is { } headers && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : "";
}
