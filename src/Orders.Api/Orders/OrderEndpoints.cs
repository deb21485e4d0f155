using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Orders.Api.Data;
using Orders.Api.Http;
using Orders.Api.Idempotency;

namespace Orders.Api.Orders;

public static class OrderEndpoints
{
    /// <summary>
    /// Maps <c>/orders</c>: submission, reads, and the status changes payment, shipment, delivery and cancellation.
    /// Every write honours <c>Idempotency-Key</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders")
            .WithTags("Orders")
            .RequireRateLimiting(RequestLimitExtensions.PolicyName)
            .AddEndpointFilter(RefuseRepeatedIdempotencyKey)
            .AddEndpointFilter(TagWithVersion)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        orders.MapPost("/", SubmitAsync)
            .WithName("SubmitOrder")
            .WithSummary("Submit an order")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        orders.MapGet("/{id:guid}", GetAsync)
            .WithName("GetOrder")
            .WithSummary("Read an order")
            .ProducesProblem(StatusCodes.Status404NotFound);

        orders.MapGet("/", ListAsync)
            .WithName("ListOrders")
            .WithSummary("List a customer's orders, newest first, one page at a time")
            .ProducesValidationProblem();

        MapChange(orders.MapPost("/{id:guid}/payment", PayAsync), "PayOrder", "Record the payment of the order total");
        MapChange(orders.MapPost("/{id:guid}/shipment", ShipAsync), "ShipOrder", "Record that a paid order left");
        MapChange(orders.MapPost("/{id:guid}/delivery", DeliverAsync), "DeliverOrder", "Record that a shipped order arrived");
        MapChange(
            orders.MapPost("/{id:guid}/cancellation", CancelAsync),
            "CancelOrder",
            "Cancel an order that has not shipped");
        return app;
    }

    private static void MapChange(RouteHandlerBuilder change, string name, string summary) => change
        .WithName(name)
        .WithSummary(summary)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>
    /// Two Idempotency-Key fields would otherwise be bound as one key joined by a comma; a key is one value, so the
    /// request is refused before anything runs.
    /// </summary>
    private static ValueTask<object?> RefuseRepeatedIdempotencyKey(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Request.Headers[IdempotencyRequest.HeaderName].Count > 1
            ? ValueTask.FromResult<object?>(OrderProblems.Invalid(new Dictionary<string, string[]>
            {
                [IdempotencyRequest.HeaderName] = [$"Send one {IdempotencyRequest.HeaderName} header, not several."],
            }))
            : next(context);

    /// <summary>Every response that carries an order carries its version as ETag, for a later If-Match.</summary>
    private static async ValueTask<object?> TagWithVersion(
        EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is IValueHttpResult { Value: OrderResponse order })
        {
            context.HttpContext.Response.Headers.ETag = OrderETag.For(order.Sequence);
        }

        return result;
    }

    private static async Task<Results<Created<OrderResponse>, ProblemHttpResult>> SubmitAsync(
        SubmitOrderRequest request,
        [FromHeader(Name = IdempotencyRequest.HeaderName)] string? idempotencyKey,
        HttpContext context,
        OrderWriter writer,
        CancellationToken cancellationToken)
    {
        if (OrderValidation.Submit(request, idempotencyKey) is { } errors)
        {
            return OrderProblems.Invalid(errors);
        }

        var idempotency = IdempotencyRequest.From(idempotencyKey, IdempotencyScope.Of(context), request);
        return await writer.SubmitAsync(
            request.UserId!.Value, request.Currency!, OrderValidation.Lines(request), idempotency, cancellationToken);
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetAsync(
        Guid id, OrdersDbContext db, CancellationToken cancellationToken) =>
        await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken) is { } order
            ? TypedResults.Ok(OrderResponse.From(order))
            : OrderProblems.NotFound(id);

    private static async Task<Results<Ok<OrderPage>, ProblemHttpResult>> ListAsync(
        long? userId,
        string? status,
        int? limit,
        string? after,
        OrdersDbContext db,
        CancellationToken cancellationToken)
    {
        if (OrderValidation.List(userId, status, limit, after, out var statusFilter, out var cursor) is { } errors)
        {
            return OrderProblems.Invalid(errors);
        }

        var query = db.Orders.AsNoTracking().Where(o => o.UserId == userId);
        if (statusFilter is { } wanted)
        {
            query = query.Where(o => o.Status == wanted);
        }

        if (cursor is { } position)
        {
            // A row-value comparison, so PostgreSQL walks the (user_id, created_at, id) index from the cursor on.
            query = query.Where(o => EF.Functions.LessThan(
                ValueTuple.Create(o.CreatedAt, o.Id), ValueTuple.Create(position.CreatedAt, position.Id)));
        }

        var pageSize = limit ?? 20;
        var rows = await query
            .OrderByDescending(o => o.CreatedAt)
            .ThenByDescending(o => o.Id)
            .Take(pageSize + 1)
            .ToListAsync(cancellationToken);
        var items = rows.Take(pageSize).Select(OrderResponse.From).ToList();
        var next = rows.Count > pageSize ? OrderCursor.After(items[^1]).ToString() : null;
        return TypedResults.Ok(new OrderPage(items, next));
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> PayAsync(
        Guid id,
        PaymentRequest request,
        [FromHeader(Name = IdempotencyRequest.HeaderName)] string? idempotencyKey,
        [FromHeader(Name = OrderETag.IfMatchHeaderName)] string? ifMatch,
        HttpContext context,
        OrderWriter writer,
        CancellationToken cancellationToken)
    {
        if (OrderValidation.Payment(request, idempotencyKey, ifMatch, out var precondition) is { } errors)
        {
            return OrderProblems.Invalid(errors);
        }

        var amount = OrderValidation.Money(request.Amount!.Value);
        return await writer.ChangeAsync(
            OrderChangeRequest.From(context, id, idempotencyKey, request, precondition),
            (order, now) => order.Pay(amount, request.Reference!, now),
            cancellationToken);
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ShipAsync(
        Guid id,
        ShipmentRequest request,
        [FromHeader(Name = IdempotencyRequest.HeaderName)] string? idempotencyKey,
        [FromHeader(Name = OrderETag.IfMatchHeaderName)] string? ifMatch,
        HttpContext context,
        OrderWriter writer,
        CancellationToken cancellationToken) =>
        OrderValidation.Shipment(request, idempotencyKey, ifMatch, out var precondition) is { } errors
            ? OrderProblems.Invalid(errors)
            : await writer.ChangeAsync(
                OrderChangeRequest.From(context, id, idempotencyKey, request, precondition),
                (order, now) => order.Ship(request.Carrier!, request.TrackingNumber!, now),
                cancellationToken);

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> DeliverAsync(
        Guid id,
        [FromHeader(Name = IdempotencyRequest.HeaderName)] string? idempotencyKey,
        [FromHeader(Name = OrderETag.IfMatchHeaderName)] string? ifMatch,
        HttpContext context,
        OrderWriter writer,
        CancellationToken cancellationToken) =>
        OrderValidation.Delivery(idempotencyKey, ifMatch, out var precondition) is { } errors
            ? OrderProblems.Invalid(errors)
            : await writer.ChangeAsync(
                OrderChangeRequest.From(context, id, idempotencyKey, id, precondition),
                (order, now) => order.Deliver(now),
                cancellationToken);

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CancelAsync(
        Guid id,
        CancellationRequest request,
        [FromHeader(Name = IdempotencyRequest.HeaderName)] string? idempotencyKey,
        [FromHeader(Name = OrderETag.IfMatchHeaderName)] string? ifMatch,
        HttpContext context,
        OrderWriter writer,
        CancellationToken cancellationToken) =>
        OrderValidation.Cancellation(request, idempotencyKey, ifMatch, out var precondition) is { } errors
            ? OrderProblems.Invalid(errors)
            : await writer.ChangeAsync(
                OrderChangeRequest.From(context, id, idempotencyKey, request, precondition),
                (order, now) => order.Cancel(request.Reason!, now),
                cancellationToken);
}
