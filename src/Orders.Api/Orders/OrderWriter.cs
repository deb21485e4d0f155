using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Api.Data;
using Orders.Api.Idempotency;
using Orders.Api.Outbox;
using Orders.Contracts;

namespace Orders.Api.Orders;

/// <summary>
/// Writes order changes: the command side of the API. Each change is one SaveChanges, so one transaction and one
/// batch: the orders row, exactly one outbox row and, under an Idempotency-Key, the stored response. It runs inside the
/// execution strategy, whose verification step recognises a commit whose acknowledgement was lost, so a retry never
/// writes a change twice.
/// </summary>
internal sealed class OrderWriter(
    OrdersDbContext db,
    TimeProvider clock,
    IOptions<JsonOptions> jsonOptions,
    OrdersApiMetrics metrics,
    ILogger<OrderWriter> logger)
{
    private const string IdempotencyPrimaryKey = "pk_idempotency_keys";

    // A change reads its order at request rate: compiled once, EF skips hashing and looking up the LINQ tree each time.
    private static readonly Func<OrdersDbContext, Guid, CancellationToken, Task<Order?>> FindOrder =
        EF.CompileAsyncQuery((OrdersDbContext db, Guid id, CancellationToken _) => db.Orders.FirstOrDefault(o => o.Id == id));

    private JsonSerializerOptions Json => jsonOptions.Value.SerializerOptions;

    public async Task<Results<Created<OrderResponse>, ProblemHttpResult>> SubmitAsync(
        long userId, string currency, IReadOnlyList<OrderLine> lines, IdempotencyRequest? idempotency,
        CancellationToken cancellationToken)
    {
        // No look-up of the key first: a repeat fails on the key's primary key, which costs only the repeats.
        OrderResponse? written = null;
        try
        {
            written = await db.Database.CreateExecutionStrategy().ExecuteAsync(
                Guid.CreateVersion7(),
                async (_, orderId, token) =>
                {
                    db.ChangeTracker.Clear();
                    var now = Now();
                    var (order, submitted) = Order.Submit(orderId, userId, currency, lines, now);
                    written = OrderResponse.From(order);
                    db.Orders.Add(order);
                    db.Outbox.Add(OutboxMessage.For(submitted));
                    if (idempotency is not null)
                    {
                        db.IdempotencyKeys.Add(
                            idempotency.Complete(StatusCodes.Status201Created, Serialize(written), now));
                    }

                    // One round trip: the inserts go as one batch, which PostgreSQL runs as one implicit
                    // transaction (all or nothing), so no BEGIN/COMMIT around it and no session idle in transaction.
                    db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
                    try
                    {
                        await db.SaveChangesAsync(token);
                    }
                    finally
                    {
                        db.Database.AutoTransactionBehavior = AutoTransactionBehavior.WhenNeeded;
                    }

                    return written;
                },
                async (_, orderId, token) => new ExecutionResult<OrderResponse>(
                    written is not null && await db.Orders.AnyAsync(o => o.Id == orderId, token), written!),
                cancellationToken);
        }
        catch (DbUpdateException exception) when (idempotency is not null && IsDuplicateKey(exception))
        {
            // This key was used before (a retry, or a concurrent duplicate that committed first): answer as then.
            db.ChangeTracker.Clear();
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
        Results<Ok<OrderResponse>, ProblemHttpResult> result;
        try
        {
            result = await db.Database.CreateExecutionStrategy().ExecuteAsync<Guid, Results<Ok<OrderResponse>, ProblemHttpResult>>(
                request.OrderId,
                async (_, orderId, token) =>
                {
                    db.ChangeTracker.Clear();
                    written = null;
                    var order = await FindOrder(db, orderId, token);
                    if (order is null)
                    {
                        return OrderProblems.NotFound(orderId);
                    }

                    if (request.Precondition?.HoldsFor(order) == false)
                    {
                        return await ReplayOrRefuseAsync(
                            request, order, "precondition", OrderProblems.PreconditionFailed(order), token);
                    }

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

                    written = OrderResponse.From(order);
                    db.Outbox.Add(OutboxMessage.For(outcome.Event!));
                    if (request.Idempotency is { } idempotency)
                    {
                        db.IdempotencyKeys.Add(idempotency.Complete(StatusCodes.Status200OK, Serialize(written), now));
                    }

                    // The update is conditional on the sequence read above (the concurrency token): if another change
                    // committed in between, nothing is written and DbUpdateConcurrencyException says so.
                    await db.SaveChangesAsync(token);
                    return TypedResults.Ok(written);
                },
                async (_, orderId, token) =>
                    written is not null && await db.Orders.AnyAsync(
                        o => o.Id == orderId && o.Sequence == written.Sequence && o.UpdatedAt == written.UpdatedAt, token)
                        ? new ExecutionResult<Results<Ok<OrderResponse>, ProblemHttpResult>>(true, TypedResults.Ok(written))
                        : new ExecutionResult<Results<Ok<OrderResponse>, ProblemHttpResult>>(false, null!),
                cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return await AfterConflictAsync(request, cancellationToken);
        }
        catch (DbUpdateException exception) when (request.Idempotency is not null && IsDuplicateKey(exception))
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
        db.ChangeTracker.Clear();
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

    private static bool IsDuplicateKey(DbUpdateException exception) =>
        exception.InnerException is PostgresException
        {
            SqlState: PostgresErrorCodes.UniqueViolation,
            ConstraintName: IdempotencyPrimaryKey,
        };
}
