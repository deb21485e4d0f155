using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Api.Data;
using Orders.Api.Idempotency;
using Orders.Api.Outbox;
using Orders.Contracts;

namespace Orders.Api.Orders;

/// <summary>
/// Writes order changes: the command side of the API. Each write is one round trip (<see cref="OrderStatements"/>) in
/// PostgreSQL's implicit transaction: the orders row, exactly one outbox row and, under an Idempotency-Key, the stored
/// response, all or nothing. It runs inside the execution strategy, whose verification step recognises a write whose
/// acknowledgement was lost, so a retry never writes a change twice.
/// </summary>
internal sealed class OrderWriter(
    OrdersDbContext db,
    TimeProvider clock,
    IOptions<JsonOptions> jsonOptions,
    OrdersApiMetrics metrics,
    ILogger<OrderWriter> logger)
{
    private const string IdempotencyPrimaryKey = "pk_idempotency_keys";

    private JsonSerializerOptions Json => jsonOptions.Value.SerializerOptions;

    private NpgsqlConnection Connection => (NpgsqlConnection)db.Database.GetDbConnection();

    /// <summary>
    /// The context's own execution strategy: created once per pooled context, where
    /// <c>Database.CreateExecutionStrategy()</c> would build (and seed a random generator for) a new one per request.
    /// It runs one operation at a time, as the context does.
    /// </summary>
    private IExecutionStrategy Strategy => db.GetService<IExecutionStrategy>();

    public async Task<Results<Created<OrderResponse>, ProblemHttpResult>> SubmitAsync(
        long userId, string currency, IReadOnlyList<OrderLine> lines, IdempotencyRequest? idempotency,
        CancellationToken cancellationToken)
    {
        // No look-up of the key first: a repeat fails on the key's primary key, which costs only the repeats.
        OrderResponse? written = null;
        try
        {
            written = await Strategy.ExecuteAsync(
                Guid.CreateVersion7(),
                async (_, orderId, token) =>
                {
                    written = null;
                    var now = Now();
                    var (order, submitted) = Order.Submit(orderId, userId, currency, lines, now);
                    var response = OrderResponse.From(order);
                    var record = idempotency?.Complete(StatusCodes.Status201Created, Serialize(response), now);
                    await using var batch = new NpgsqlBatch();
                    OrderStatements.AddSubmission(batch, order, OutboxMessage.For(submitted), record);

                    // Set before the write, so that the verification below knows what a lost acknowledgement hid.
                    written = response;
                    await ExecuteAsync(batch, token);
                    return response;
                },
                async (_, orderId, token) => new ExecutionResult<OrderResponse>(
                    written is not null && await db.Orders.AnyAsync(o => o.Id == orderId, token), written!),
                cancellationToken);
        }
        catch (PostgresException exception) when (idempotency is not null && IsDuplicateKey(exception))
        {
            // This key was used before (a retry, or a concurrent duplicate that committed first): answer as then.
            var record = await FindAsync(idempotency, cancellationToken)
                ?? throw new InvalidOperationException("The idempotency key clashed but its record is gone.", exception);
            return ReplayCreated(idempotency, record);
        }

        metrics.Submitted();
        logger.OrderSubmitted(written.Id, written.Sequence);
        return TypedResults.Created($"/orders/{written.Id}", written);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the order if its precondition holds, and writes the order, the event the
    /// change returned and the idempotency record together; a refusal writes nothing.
    /// </summary>
    public async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ChangeAsync(
        OrderChangeRequest request,
        Func<Order, DateTimeOffset, OrderChangeOutcome> change,
        CancellationToken cancellationToken)
    {
        // No look-up of the key first: every change leaves a status the same change cannot start from and moves the
        // sequence past any precondition it carried, so a repeat always meets a refusal below, which looks the key up then.
        OrderResponse? written = null;
        Results<Ok<OrderResponse>, ProblemHttpResult>? result;
        try
        {
            result = await Strategy.ExecuteAsync<Guid, Results<Ok<OrderResponse>, ProblemHttpResult>?>(
                request.OrderId,
                async (_, orderId, token) =>
                {
                    written = null;

                    // The read and the write share one checkout of a pooled connection.
                    await db.Database.OpenConnectionAsync(token);
                    try
                    {
                        return await ChangeOnceAsync(request, orderId, change, response => written = response, token);
                    }
                    finally
                    {
                        await db.Database.CloseConnectionAsync();
                    }
                },
                async (_, orderId, token) =>
                    written is not null && await db.Orders.AnyAsync(
                        o => o.Id == orderId && o.Sequence == written.Sequence && o.UpdatedAt == written.UpdatedAt, token)
                        ? new ExecutionResult<Results<Ok<OrderResponse>, ProblemHttpResult>?>(true, TypedResults.Ok(written))
                        : new ExecutionResult<Results<Ok<OrderResponse>, ProblemHttpResult>?>(false, null),
                cancellationToken);
        }
        catch (PostgresException exception) when (request.Idempotency is not null && IsDuplicateKey(exception))
        {
            return await AfterConflictAsync(request, cancellationToken);
        }

        if (result is null)
        {
            return await AfterConflictAsync(request, cancellationToken);
        }

        if (written is not null && result.Result is Ok<OrderResponse>)
        {
            metrics.Changed(written.Status);
            logger.OrderChanged(written.Id, written.Status, written.Sequence);
        }

        return result;
    }

    /// <summary>
    /// One attempt at a change: the order refused it (a problem), the write committed (200), or another change of the
    /// order committed first (null). <paramref name="onWriting"/> hears the response before the write is sent, so that
    /// a lost acknowledgement can be verified.
    /// </summary>
    private async Task<Results<Ok<OrderResponse>, ProblemHttpResult>?> ChangeOnceAsync(
        OrderChangeRequest request,
        Guid orderId,
        Func<Order, DateTimeOffset, OrderChangeOutcome> change,
        Action<OrderResponse?> onWriting,
        CancellationToken token)
    {
        var order = await OrderStatements.ReadAsync(Connection, orderId, token);
        if (order is null)
        {
            return OrderProblems.NotFound(orderId);
        }

        if (request.Precondition?.HoldsFor(order) == false)
        {
            return await ReplayOrRefuseAsync(request, order, "precondition", OrderProblems.PreconditionFailed(order), token);
        }

        var readSequence = order.Sequence;
        var now = Now();
        var outcome = change(order, now);
        switch (outcome.Refusal)
        {
            case OrderRefusal.StatusForbids forbids:
                return await ReplayOrRefuseAsync(
                    request, order, "status", OrderProblems.StatusForbids(forbids, request.Change), token);
            case OrderRefusal.AmountMismatch mismatch:
                metrics.Refused(request.Change, "amount");
                return OrderProblems.AmountMismatch(mismatch);
        }

        var response = OrderResponse.From(order);
        var record = request.Idempotency?.Complete(StatusCodes.Status200OK, Serialize(response), now);
        await using var batch = new NpgsqlBatch();
        batch.BatchCommands.Add(OrderStatements.Change(order, readSequence, OutboxMessage.For(outcome.Event!), record));

        // The write is conditional on the sequence read above (the concurrency token): if another change committed in
        // between, it writes nothing and answers no row; the caller then says why.
        onWriting(response);
        if (await ExecuteAsync(batch, token) == 0)
        {
            onWriting(null);
            return null;
        }

        return TypedResults.Ok(response);
    }

    /// <summary>
    /// The order refused the change or is not at the version the request names. The change may be this very request,
    /// applied before (or by a concurrent duplicate): then answer as it did; otherwise refuse, naming where the order is.
    /// </summary>
    private async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ReplayOrRefuseAsync(
        OrderChangeRequest request, Order order, string reason, ProblemHttpResult refusal, CancellationToken cancellationToken)
    {
        if (request.Idempotency is { } idempotency && await FindAsync(idempotency, cancellationToken) is { } record)
        {
            return Replay(idempotency, record);
        }

        metrics.Refused(request.Change, reason);
        logger.ChangeRefused(order.Id, order.Status, order.Sequence, request.Change, reason);
        return refusal;
    }

    /// <summary>
    /// Another change of the order committed between our read and our write. If it was this very request (same key,
    /// sent twice at once), answer as it did; otherwise refuse with the status the order has now.
    /// </summary>
    private async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> AfterConflictAsync(
        OrderChangeRequest request, CancellationToken cancellationToken)
    {
        if (request.Idempotency is { } idempotency && await FindAsync(idempotency, cancellationToken) is { } record)
        {
            return Replay(idempotency, record);
        }

        var order = await db.Orders.AsNoTracking().FirstAsync(o => o.Id == request.OrderId, cancellationToken);
        metrics.Refused(request.Change, "concurrent_change");
        logger.ChangedConcurrently(order.Id, order.Status, request.Change);
        return OrderProblems.ChangedConcurrently(order);
    }

    private Task<IdempotencyRecord?> FindAsync(IdempotencyRequest idempotency, CancellationToken cancellationToken) =>
        db.IdempotencyKeys.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Scope == idempotency.Scope && r.Key == idempotency.Key, cancellationToken);

    private Results<Created<OrderResponse>, ProblemHttpResult> ReplayCreated(
        IdempotencyRequest idempotency, IdempotencyRecord record) =>
        Recall(idempotency, record) is { } response
            ? TypedResults.Created($"/orders/{response.Id}", response)
            : OrderProblems.KeyReused();

    private Results<Ok<OrderResponse>, ProblemHttpResult> Replay(IdempotencyRequest idempotency, IdempotencyRecord record) =>
        Recall(idempotency, record) is { } response ? TypedResults.Ok(response) : OrderProblems.KeyReused();

    /// <summary>The stored response if the record was made by the same request, or null if the key was reused.</summary>
    private OrderResponse? Recall(IdempotencyRequest idempotency, IdempotencyRecord record)
    {
        if (!idempotency.Matches(record))
        {
            metrics.KeyReused();
            logger.IdempotencyKeyReused(idempotency.Scope);
            return null;
        }

        metrics.Replayed();
        logger.IdempotentReplay(idempotency.Scope, record.StatusCode);
        return JsonSerializer.Deserialize<OrderResponse>(record.ResponseBody, Json)
            ?? throw new InvalidOperationException($"The stored response of {idempotency.Scope} is empty.");
    }

    private string Serialize(OrderResponse response) => JsonSerializer.Serialize(response, Json);

    /// <summary>The time of a change, cut to the microseconds PostgreSQL keeps, so responses match later reads.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
    }

    /// <summary>
    /// Runs <paramref name="batch"/> on the context's connection, so it shares EF's pool and settings (prepared
    /// statements included), and answers the rows the last statement wrote.
    /// </summary>
    private async Task<int> ExecuteAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            batch.Connection = Connection;
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return batch.BatchCommands[^1].RecordsAffected;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static bool IsDuplicateKey(PostgresException exception) =>
        exception is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: IdempotencyPrimaryKey };
}
