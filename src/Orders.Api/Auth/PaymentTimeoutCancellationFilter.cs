using Orders.Api.Orders;
using Orders.Contracts;

namespace Orders.Api.Auth;

/// <summary>
/// Holds a caller with only <see cref="OrderScopes.CancelPaymentTimeout"/> (the processor) to the one cancellation it
/// exists for: a 403 problem, before anything is written, for any other reason.
/// </summary>
internal sealed class PaymentTimeoutCancellationFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var user = context.HttpContext.User;
        var request = context.Arguments.OfType<CancellationRequest>().FirstOrDefault();
        if (ScopeClaims.Has(user, OrderScopes.Cancel) || request?.Reason == OrderCancelled.PaymentTimeoutReason)
        {
            return await next(context);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden",
            detail: $"Scope {OrderScopes.CancelPaymentTimeout} allows only the reason '{OrderCancelled.PaymentTimeoutReason}'; " +
                $"other cancellations need {OrderScopes.Cancel}.");
    }
}
