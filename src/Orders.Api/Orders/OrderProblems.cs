using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Orders.Api.Orders;

/// <summary>The problem responses (RFC 9457) of the order endpoints.</summary>
internal static class OrderProblems
{
    /// <summary>Extension member naming the order's status, for clients that decide what to do next.</summary>
    public const string CurrentStatus = "currentStatus";

    /// <summary>Extension member with the order's sequence, the value its <c>ETag</c> carries.</summary>
    public const string CurrentSequence = "currentSequence";

    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest });

    public static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Order not found",
        detail: $"There is no order {id}.");

    public static ProblemHttpResult StatusForbids(OrderRefusal.StatusForbids refusal, string change) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "The order's status does not allow this change",
        detail: $"The order is {refusal.Current}; {change} needs it to be {string.Join(" or ", refusal.AllowedFrom)}.",
        extensions: new Dictionary<string, object?> { [CurrentStatus] = refusal.Current.ToString() });

    public static ProblemHttpResult PreconditionFailed(Order order) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "The order is no longer the version the request expected",
        detail: $"If-Match names versions the order has left; it is now {order.Status} at sequence {order.Sequence}.",
        extensions: Current(order));

    public static ProblemHttpResult ChangedConcurrently(Order order) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "The order was changed by another request",
        detail: $"Another change of this order was committed first; the order is now {order.Status}.",
        extensions: Current(order));

    public static ProblemHttpResult AmountMismatch(OrderRefusal.AmountMismatch refusal) => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The amount does not match the order total",
        detail: string.Create(
            CultureInfo.InvariantCulture,
            $"The payment of {refusal.Amount} does not equal the order total of {refusal.Total} {refusal.Currency}."));

    public static ProblemHttpResult KeyReused() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Idempotency-Key already used",
        detail: "This Idempotency-Key was already used with a different request; send a new key for a new request.");

    private static Dictionary<string, object?> Current(Order order) => new()
    {
        [CurrentStatus] = order.Status.ToString(),
        [CurrentSequence] = order.Sequence,
    };
}
