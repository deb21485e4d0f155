using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Orders.Benchmark.Load;
using Orders.Contracts;

namespace Orders.Benchmark.Ceiling;

/// <summary>
/// The ceiling: the statements the API sends to PostgreSQL for each step, with the same columns, parameter types,
/// payloads and transaction shape, sent straight from Npgsql (the text of src/Orders.Api/Data/OrderStatements.cs). A
/// submission is one batch of the <c>orders</c> and <c>outbox</c> inserts in PostgreSQL's implicit transaction; a change
/// reads the order and then, on the same connection, sends one statement that updates the order conditionally on the
/// sequence read and inserts the outbox row from the updated row.
/// </summary>
internal sealed class SqlOrderWriter(NpgsqlDataSource dataSource) : IOrderWriter
{
    private const string InsertOrder = """
        INSERT INTO orders (id, user_id, currency, lines, total, status, sequence, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        """;

    private const string InsertOutbox = """
        INSERT INTO outbox (user_id, aggregate_id, type, payload, created_at, traceparent) VALUES ($1, $2, $3, $4, $5, $6)
        """;

    private const string ChangeOrder = """
        WITH changed AS (
            UPDATE orders SET status = $1, sequence = $2, updated_at = $3, paid_amount = $4, payment_reference = $5,
                paid_at = $6, carrier = $7, tracking_number = $8, shipped_at = $9, delivered_at = $10,
                cancellation_reason = $11, cancelled_at = $12
            WHERE id = $13 AND sequence = $14
            RETURNING id
        )
        INSERT INTO outbox (user_id, aggregate_id, type, payload, created_at, traceparent)
        SELECT $15, id, $16, $17, $18, $19 FROM changed
        """;

    private const string SelectOrder = """
        SELECT id, user_id, currency, lines, total, status, sequence, created_at, updated_at, paid_amount,
            payment_reference, paid_at, carrier, tracking_number, shipped_at, delivered_at, cancellation_reason, cancelled_at
        FROM orders WHERE id = $1
        """;

    private static readonly OrderLine[] Lines =
    [
        new() { Sku = "BOOK-1", Quantity = 2, UnitPrice = 12.50m },
        new() { Sku = "PEN-7", Quantity = 1, UnitPrice = 3.99m },
    ];

    private static readonly string LinesJson = JsonSerializer.Serialize(Lines, OrderEventTypes.JsonOptions);

    public async Task<StepResult> WriteAsync(OrderStep step, OrderState order, CancellationToken cancellationToken)
    {
        if (step == OrderStep.Submit)
        {
            await SubmitAsync(order, cancellationToken);
        }
        else
        {
            await ChangeAsync(step, order, cancellationToken);
        }

        return new StepResult(true, DateTimeOffset.UtcNow);
    }

    private async Task SubmitAsync(OrderState order, CancellationToken cancellationToken)
    {
        var now = Now();
        var id = Guid.CreateVersion7();
        var submitted = new OrderSubmitted
        {
            OrderId = id,
            UserId = order.UserId,
            OccurredAt = now,
            SchemaVersion = OrderSubmitted.CurrentSchemaVersion,
            Sequence = 1,
            Currency = "EUR",
            Lines = Lines,
            Total = ApiOrderWriter.OrderTotal,
        };

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command(
            InsertOrder,
            Uuid(id), Bigint(order.UserId), Text("EUR"), Jsonb(LinesJson), Numeric(ApiOrderWriter.OrderTotal), Text("Submitted"),
            Integer(1), Timestamp(now), Timestamp(now)));
        var outbox = Command(InsertOutbox, Bigint(order.UserId), Uuid(id));
        AddEvent(outbox, submitted);
        batch.BatchCommands.Add(outbox);
        await batch.ExecuteNonQueryAsync(cancellationToken);

        order.Id = id;
        order.Total = ApiOrderWriter.OrderTotal;
        order.Sequence = 1;
    }

    private async Task ChangeAsync(OrderStep step, OrderState order, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        Row row;
        await using (var select = new NpgsqlCommand(SelectOrder, connection) { Parameters = { Uuid(order.Id) } })
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Order {order.Id} vanished.");
            }

            row = new Row(
                TextAt(reader, 16), TimeAt(reader, 17), TextAt(reader, 12), TimeAt(reader, 15),
                reader.IsDBNull(9) ? null : reader.GetDecimal(9), TimeAt(reader, 11), TextAt(reader, 10), TimeAt(reader, 14),
                TextAt(reader, 13));
        }

        var now = Now();
        var sequence = order.Sequence + 1;
        var (status, changed, orderEvent) = Change(step, order, row, now, sequence);
        var change = Command(
            ChangeOrder,
            Text(status), Integer(sequence), Timestamp(now), Numeric(changed.PaidAmount), Text(changed.PaymentReference),
            Timestamp(changed.PaidAt), Text(changed.Carrier), Text(changed.TrackingNumber), Timestamp(changed.ShippedAt),
            Timestamp(changed.DeliveredAt), Text(changed.CancellationReason), Timestamp(changed.CancelledAt), Uuid(order.Id),
            Integer(order.Sequence), Bigint(order.UserId));
        AddEvent(change, orderEvent);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { change } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        if (change.RecordsAffected != 1)
        {
            throw new InvalidOperationException($"Order {order.Id} changed concurrently.");
        }

        order.Sequence = sequence;
    }

    /// <summary>The columns a change may set, as the order has them.</summary>
    private sealed record Row(
        string? CancellationReason, DateTimeOffset? CancelledAt, string? Carrier, DateTimeOffset? DeliveredAt, decimal? PaidAmount,
        DateTimeOffset? PaidAt, string? PaymentReference, DateTimeOffset? ShippedAt, string? TrackingNumber);

    /// <summary>What the API's <c>Order</c> makes of the step: the new status, the columns afterwards and the event.</summary>
    private static (string Status, Row Changed, IOrderEvent Event) Change(
        OrderStep step, OrderState order, Row row, DateTimeOffset now, int sequence)
    {
        var state = new OrderState(order.UserId) { Id = order.Id };
        return step switch
        {
            OrderStep.Pay => (
                "Paid",
                row with { PaidAmount = order.Total, PaymentReference = ApiOrderWriter.Reference(state), PaidAt = now },
                new OrderPaid
                {
                    OrderId = order.Id,
                    UserId = order.UserId,
                    OccurredAt = now,
                    SchemaVersion = OrderPaid.CurrentSchemaVersion,
                    Sequence = sequence,
                    Amount = order.Total,
                    Currency = "EUR",
                    Reference = ApiOrderWriter.Reference(state),
                }),
            OrderStep.Ship => (
                "Shipped",
                row with { Carrier = "DHL", TrackingNumber = ApiOrderWriter.Tracking(state), ShippedAt = now },
                new OrderShipped
                {
                    OrderId = order.Id,
                    UserId = order.UserId,
                    OccurredAt = now,
                    SchemaVersion = OrderShipped.CurrentSchemaVersion,
                    Sequence = sequence,
                    Carrier = "DHL",
                    TrackingNumber = ApiOrderWriter.Tracking(state),
                }),
            OrderStep.Deliver => (
                "Delivered",
                row with { DeliveredAt = now },
                new OrderDelivered
                {
                    OrderId = order.Id,
                    UserId = order.UserId,
                    OccurredAt = now,
                    SchemaVersion = OrderDelivered.CurrentSchemaVersion,
                    Sequence = sequence,
                }),
            OrderStep.Cancel => (
                "Cancelled",
                row with { CancellationReason = ApiOrderWriter.CancellationReason, CancelledAt = now },
                new OrderCancelled
                {
                    OrderId = order.Id,
                    UserId = order.UserId,
                    OccurredAt = now,
                    SchemaVersion = OrderCancelled.CurrentSchemaVersion,
                    Sequence = sequence,
                    Reason = ApiOrderWriter.CancellationReason,
                }),
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
        };
    }

    /// <summary>
    /// The outbox row's event columns (type, payload, created_at) and the traceparent: the API is traced, so each of its
    /// rows carries the request's span.
    /// </summary>
    private static void AddEvent(NpgsqlBatchCommand command, IOrderEvent orderEvent)
    {
        command.Parameters.Add(Text(OrderEventTypes.NameOf(orderEvent)));
        command.Parameters.Add(Jsonb(JsonSerializer.Serialize(orderEvent, orderEvent.GetType(), OrderEventTypes.JsonOptions)));
        command.Parameters.Add(Timestamp(orderEvent.OccurredAt));
        command.Parameters.Add(Text($"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01"));
    }

    private static string? TextAt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? TimeAt(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    // The API's parameter types (OrderStatements): every one typed, null or not.
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

    /// <summary>The API cuts times to the microseconds PostgreSQL keeps.</summary>
    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
    }
}
