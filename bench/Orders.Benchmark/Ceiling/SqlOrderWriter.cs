using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Orders.Benchmark.Load;
using Orders.Contracts;

namespace Orders.Benchmark.Ceiling;

/// <summary>
/// The ceiling: the statements the API sends to PostgreSQL for each step, with the same columns, payloads and
/// transaction shape, sent straight from Npgsql. A submission is one transaction with the <c>orders</c> insert and the
/// <c>outbox</c> insert batched (as EF Core's SaveChanges does); a change first reads the order on its own pooled
/// connection (EF's query), then runs the conditional update and the outbox insert in one batched transaction.
/// </summary>
internal sealed class SqlOrderWriter(NpgsqlDataSource dataSource) : IOrderWriter
{
    private const string InsertOrder = """
        INSERT INTO orders (id, cancellation_reason, cancelled_at, carrier, created_at, currency, delivered_at, lines,
            paid_amount, paid_at, payment_reference, sequence, shipped_at, status, total, tracking_number, updated_at, user_id)
        VALUES ($1, NULL, NULL, NULL, $2, $3, NULL, $4, NULL, NULL, NULL, $5, NULL, $6, $7, NULL, $8, $9)
        """;

    private const string InsertOutbox = """
        INSERT INTO outbox (aggregate_id, created_at, payload, type, user_id) VALUES ($1, $2, $3, $4, $5)
        RETURNING id, transaction_id
        """;

    private const string SelectOrder = """
        SELECT o.id, o.cancellation_reason, o.cancelled_at, o.carrier, o.created_at, o.currency, o.delivered_at, o.lines,
            o.paid_amount, o.paid_at, o.payment_reference, o.sequence, o.shipped_at, o.status, o.total, o.tracking_number,
            o.updated_at, o.user_id
        FROM orders AS o WHERE o.id = $1 LIMIT 1
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
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command(
            InsertOrder,
            Value(id), Value(now), Value("EUR"), Jsonb(LinesJson), Value(1), Value("Submitted"), Value(ApiOrderWriter.OrderTotal),
            Value(now), Value(order.UserId)));
        batch.BatchCommands.Add(OutboxCommand(submitted));
        await ExecuteAsync(batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        order.Id = id;
        order.Total = ApiOrderWriter.OrderTotal;
        order.Sequence = 1;
    }

    private async Task ChangeAsync(OrderStep step, OrderState order, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var select = new NpgsqlCommand(SelectOrder, connection) { Parameters = { Value(order.Id) } })
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Order {order.Id} vanished.");
            }
        }

        var now = Now();
        var sequence = order.Sequence + 1;
        var (update, orderEvent) = Change(step, order, now, sequence);
        await using var writeConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await writeConnection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(writeConnection, transaction);
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(OutboxCommand(orderEvent));
        await ExecuteAsync(batch, cancellationToken);
        if (update.RecordsAffected != 1)
        {
            throw new InvalidOperationException($"Order {order.Id} changed concurrently.");
        }

        await transaction.CommitAsync(cancellationToken);
        order.Sequence = sequence;
    }

    /// <summary>The update EF Core writes for the step (the changed columns, conditional on the sequence read) and its event.</summary>
    private static (NpgsqlBatchCommand Update, IOrderEvent Event) Change(OrderStep step, OrderState order, DateTimeOffset now, int sequence)
    {
        var state = new OrderState(order.UserId) { Id = order.Id };
        return step switch
        {
            OrderStep.Pay => (
                Command(
                    "UPDATE orders SET paid_amount = $1, paid_at = $2, payment_reference = $3, sequence = $4, status = $5, updated_at = $6 WHERE id = $7 AND sequence = $8",
                    Value(order.Total), Value(now), Value(ApiOrderWriter.Reference(state)), Value(sequence), Value("Paid"), Value(now),
                    Value(order.Id), Value(order.Sequence)),
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
                Command(
                    "UPDATE orders SET carrier = $1, sequence = $2, shipped_at = $3, status = $4, tracking_number = $5, updated_at = $6 WHERE id = $7 AND sequence = $8",
                    Value("DHL"), Value(sequence), Value(now), Value("Shipped"), Value(ApiOrderWriter.Tracking(state)), Value(now),
                    Value(order.Id), Value(order.Sequence)),
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
                Command(
                    "UPDATE orders SET delivered_at = $1, sequence = $2, status = $3, updated_at = $4 WHERE id = $5 AND sequence = $6",
                    Value(now), Value(sequence), Value("Delivered"), Value(now), Value(order.Id), Value(order.Sequence)),
                new OrderDelivered
                {
                    OrderId = order.Id,
                    UserId = order.UserId,
                    OccurredAt = now,
                    SchemaVersion = OrderDelivered.CurrentSchemaVersion,
                    Sequence = sequence,
                }),
            OrderStep.Cancel => (
                Command(
                    "UPDATE orders SET cancellation_reason = $1, cancelled_at = $2, sequence = $3, status = $4, updated_at = $5 WHERE id = $6 AND sequence = $7",
                    Value(ApiOrderWriter.CancellationReason), Value(now), Value(sequence), Value("Cancelled"), Value(now),
                    Value(order.Id), Value(order.Sequence)),
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

    private static NpgsqlBatchCommand OutboxCommand(IOrderEvent orderEvent) => Command(
        InsertOutbox,
        Value(orderEvent.OrderId),
        Value(orderEvent.OccurredAt),
        Jsonb(JsonSerializer.Serialize(orderEvent, orderEvent.GetType(), OrderEventTypes.JsonOptions)),
        Value(OrderEventTypes.NameOf(orderEvent)),
        Value(orderEvent.UserId));

    private static async Task ExecuteAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        // Reads every result, as EF Core does: the outbox row's generated id and transaction id come back.
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                _ = reader.GetInt64(0);
            }
        }
        while (await reader.NextResultAsync(cancellationToken));
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<T> Value<T>(T value) => new() { TypedValue = value };

    private static NpgsqlParameter<string> Jsonb(string json) => new() { TypedValue = json, NpgsqlDbType = NpgsqlDbType.Jsonb };

    /// <summary>The API cuts times to the microseconds PostgreSQL keeps.</summary>
    private static DateTimeOffset Now()
    {
        var now = DateTimeOffset.UtcNow;
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
    }
}
