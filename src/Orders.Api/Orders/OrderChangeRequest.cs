using Orders.Api.Idempotency;

namespace Orders.Api.Orders;

/// <summary>
/// A status change asked of an order, besides its body: which change (named by its route, e.g. <c>payment</c>), its
/// Idempotency-Key and its If-Match precondition.
/// </summary>
internal sealed record OrderChangeRequest(
    Guid OrderId, string Change, IdempotencyRequest? Idempotency, OrderPrecondition? Precondition)
{
    /// <summary>The change the request was routed to; <paramref name="body"/> is what its Idempotency-Key is bound to.</summary>
    public static OrderChangeRequest From<TBody>(
        HttpContext context, Guid orderId, string? idempotencyKey, TBody body, OrderPrecondition? precondition)
    {
        var scope = IdempotencyScope.Of(context);
        return new(orderId, scope[(scope.LastIndexOf('/') + 1)..], IdempotencyRequest.From(idempotencyKey, scope, body), precondition);
    }
}
