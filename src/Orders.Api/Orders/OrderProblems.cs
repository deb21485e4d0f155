using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Orders.Api.Orders;

/// <summary>The problem responses (RFC 9457) of the order endpoints.</summary>
internal static class OrderProblems
{
    /// <summary>Extension member naming the order's status, for clients that decide what to do next.</summary>
    public const string CurrentStatus = "currentStatus";

    public static ProblemHttpResult Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status400BadRequest });

    public static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Order not found",
        detail: $"There is no order {id}.");

    public static ProblemHttpResult StatusForbids(OrderStatus current, string change, IReadOnlyList<OrderStatus> allowedFrom) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The order's status does not allow this change",
            detail: $"The order is {current}; {change} needs it to be {string.Join(" or ", allowedFrom)}.",
            extensions: new Dictionary<string, object?> { [CurrentStatus] = current.ToString() });

    public static ProblemHttpResult ChangedConcurrently(OrderStatus current) => TypedResults.Problem(
        statusCode: StatusCodes.Status409Conflict,
        title: "The order was changed by another request",
        detail: $"Another change of this order was committed first; the order is now {current}.",
        extensions: new Dictionary<string, object?> { [CurrentStatus] = current.ToString() });

    public static ProblemHttpResult AmountMismatch(decimal amount, Order order) => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "The amount does not match the order total",
        detail: string.Create(
            CultureInfo.InvariantCulture,
            $"The payment of {amount} does not equal the order total of {order.Total} {order.Currency}."));

    public static ProblemHttpResult KeyReused() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Idempotency-Key already used",
        detail: "This Idempotency-Key was already used with a different request; send a new key for a new request.");
}
