using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Orders.Api.Idempotency;
using Orders.Api.Orders;
using Orders.Api.Outbox;
using Orders.Contracts;

namespace Orders.Api.Data;

/// <summary>
/// The SQL of a change's read and of the two writes, sent straight from Npgsql: each write is one round trip in
/// PostgreSQL's implicit transaction, so it commits whole or not at all and leaves no session idle in transaction. The
/// columns are those of <see cref="OrdersDbContext"/>'s model (Data/Configurations);
/// bench/Orders.Benchmark/Ceiling/SqlOrderWriter.cs sends the same text as the SQL ceiling, so change both together.
/// </summary>
internal static class OrderStatements
{
    public const string SelectOrder = """
        SELECT id, user_id, currency, lines, total, status, sequence, created_at, updated_at, paid_amount,
            payment_reference, paid_at, carrier, tracking_number, shipped_at, delivered_at, cancellation_reason, cancelled_at
        FROM orders WHERE id = $1
        """;

    public const string InsertOrder = """
        INSERT INTO orders (id, user_id, currency, lines, total, status, sequence, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """;

    public const string InsertOutbox = """
        INSERT INTO outbox (user_id, aggregate_id, type, payload, created_at, traceparent) VALUES ($1, $2, $3, $4, $5, $6)
        """;

    public const string InsertIdempotencyRecord = """
        INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response_body, created_at)
        VALUES ($1, $2, $3, $4, $5, $6)
        """;

    // A batch of statements would commit the outbox row even when the update matched nothing (no error), so a change is
    // one statement: the inserts read the updated row, and a concurrent change (another sequence) leaves all of them
    // empty. Every column a change may set is written, from the order as the domain left it, so one text serves every
    // change and stays prepared. A duplicate idempotency key fails the whole statement.
    private const string UpdateOrder = """
        WITH changed AS (
            UPDATE orders SET status = $1, sequence = $2, updated_at = $3, paid_amount = $4, payment_reference = $5,
                paid_at = $6, carrier = $7, tracking_number = $8, shipped_at = $9, delivered_at = $10,
                cancellation_reason = $11, cancelled_at = $12
            WHERE id = $13 AND sequence = $14
            RETURNING id
        )
        """;

    public const string ChangeOrder = UpdateOrder + "\n" + """
        INSERT INTO outbox (user_id, aggregate_id, type, payload, created_at, traceparent)
        SELECT $15, id, $16, $17, $18, $19 FROM changed
        """;

    public const string ChangeOrderUnderKey = UpdateOrder + """
        , remembered AS (
            INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response_body, created_at)
            SELECT $20, $21, $22, $23, $24, $25 FROM changed
        )
        INSERT INTO outbox (user_id, aggregate_id, type, payload, created_at, traceparent)
        SELECT $15, id, $16, $17, $18, $19 FROM changed
        """;

    /// <summary>The order <paramref name="id"/> as stored, or null if there is none.</summary>
    public static async Task<Order?> ReadAsync(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SelectOrder, connection) { Parameters = { Uuid(id) } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new Order
        {
            Id = reader.GetGuid(0),
            UserId = reader.GetInt64(1),
            Currency = reader.GetString(2),
            Lines = JsonSerializer.Deserialize<List<OrderLine>>(reader.GetString(3), OrderEventTypes.JsonOptions) ?? [],
            Total = reader.GetDecimal(4),
            Status = Enum.Parse<OrderStatus>(reader.GetString(5)),
            Sequence = reader.GetInt32(6),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(7),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(8),
            PaidAmount = reader.IsDBNull(9) ? null : reader.GetDecimal(9),
            PaymentReference = TextAt(reader, 10),
            PaidAt = TimeAt(reader, 11),
            Carrier = TextAt(reader, 12),
            TrackingNumber = TextAt(reader, 13),
            ShippedAt = TimeAt(reader, 14),
            DeliveredAt = TimeAt(reader, 15),
            CancellationReason = TextAt(reader, 16),
            CancelledAt = TimeAt(reader, 17),
        };
    }

    /// <summary>A submission: the order, its outbox row and the idempotency record, one batch.</summary>
    public static void AddSubmission(NpgsqlBatch batch, Order order, OutboxMessage message, IdempotencyRecord? record)
    {
        var insert = new NpgsqlBatchCommand(InsertOrder);
        insert.Parameters.Add(Uuid(order.Id));
        insert.Parameters.Add(Bigint(order.UserId));
        insert.Parameters.Add(Text(order.Currency));
        insert.Parameters.Add(Jsonb(JsonSerializer.Serialize(order.Lines, OrderEventTypes.JsonOptions)));
        insert.Parameters.Add(Numeric(order.Total));
        insert.Parameters.Add(Text(order.Status.ToString()));
        insert.Parameters.Add(Integer(order.Sequence));
        insert.Parameters.Add(Timestamp(order.CreatedAt));
        insert.Parameters.Add(Timestamp(order.UpdatedAt));
        batch.BatchCommands.Add(insert);

        var outbox = new NpgsqlBatchCommand(InsertOutbox);
        AddOutbox(outbox.Parameters, message);
        batch.BatchCommands.Add(outbox);

        if (record is not null)
        {
            var remember = new NpgsqlBatchCommand(InsertIdempotencyRecord);
            AddIdempotencyRecord(remember.Parameters, record);
            batch.BatchCommands.Add(remember);
        }
    }

    /// <summary>
    /// A change of an order read at <paramref name="readSequence"/>: one statement, which inserts one outbox row when
    /// the order was still at that sequence and nothing otherwise.
    /// </summary>
    public static NpgsqlBatchCommand Change(Order order, int readSequence, OutboxMessage message, IdempotencyRecord? record)
    {
        var change = new NpgsqlBatchCommand(record is null ? ChangeOrder : ChangeOrderUnderKey);
        var parameters = change.Parameters;
        parameters.Add(Text(order.Status.ToString()));
        parameters.Add(Integer(order.Sequence));
        parameters.Add(Timestamp(order.UpdatedAt));
        parameters.Add(Numeric(order.PaidAmount));
        parameters.Add(Text(order.PaymentReference));
        parameters.Add(Timestamp(order.PaidAt));
        parameters.Add(Text(order.Carrier));
        parameters.Add(Text(order.TrackingNumber));
        parameters.Add(Timestamp(order.ShippedAt));
        parameters.Add(Timestamp(order.DeliveredAt));
        parameters.Add(Text(order.CancellationReason));
        parameters.Add(Timestamp(order.CancelledAt));
        parameters.Add(Uuid(order.Id));
        parameters.Add(Integer(readSequence));
        parameters.Add(Bigint(message.UserId));
        parameters.Add(Text(message.Type));
        parameters.Add(Jsonb(message.Payload));
        parameters.Add(Timestamp(message.CreatedAt));
        parameters.Add(Text(message.Traceparent));
        if (record is not null)
        {
            AddIdempotencyRecord(parameters, record);
        }

        return change;
    }

    private static void AddOutbox(NpgsqlParameterCollection parameters, OutboxMessage message)
    {
        parameters.Add(Bigint(message.UserId));
        parameters.Add(Uuid(message.AggregateId));
        parameters.Add(Text(message.Type));
        parameters.Add(Jsonb(message.Payload));
        parameters.Add(Timestamp(message.CreatedAt));
        parameters.Add(Text(message.Traceparent));
    }

    private static void AddIdempotencyRecord(NpgsqlParameterCollection parameters, IdempotencyRecord record)
    {
        parameters.Add(Text(record.Scope));
        parameters.Add(Text(record.Key));
        parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = record.RequestHash, NpgsqlDbType = NpgsqlDbType.Bytea });
        parameters.Add(Integer(record.StatusCode));
        parameters.Add(Text(record.ResponseBody));
        parameters.Add(Timestamp(record.CreatedAt));
    }

    private static string? TextAt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? TimeAt(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    // Every parameter carries its type, null or not, so each text is prepared once with one set of parameter types.
    private static NpgsqlParameter<Guid> Uuid(Guid value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Uuid };

    private static NpgsqlParameter<long> Bigint(long value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Bigint };

    private static NpgsqlParameter<int> Integer(int value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Integer };

    private static NpgsqlParameter<string> Jsonb(string json) => new() { TypedValue = json, NpgsqlDbType = NpgsqlDbType.Jsonb };

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = value ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Numeric(decimal? value) =>
        new() { Value = value ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric };

    private static NpgsqlParameter Timestamp(DateTimeOffset? value) =>
        new() { Value = value ?? (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
