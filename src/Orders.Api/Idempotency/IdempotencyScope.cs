using Microsoft.AspNetCore.Routing.Patterns;

namespace Orders.Api.Idempotency;

/// <summary>
/// What an Idempotency-Key applies to: the method and the matched route with its values, e.g.
/// <c>POST /orders/0198…/payment</c>. Built from the route pattern, so every spelling of one path (a GUID in capitals,
/// a trailing slash) gives the same scope, and no endpoint repeats its route by hand.
/// </summary>
internal static class IdempotencyScope
{
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern
            ?? throw new InvalidOperationException("An idempotent request must be routed to an endpoint with a route pattern.");
        var path = string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => Canonical(context.Request.RouteValues[parameter.Name]),
            _ => throw new InvalidOperationException($"Route part {part.PartKind} has no idempotency scope."),
        }))));
        return $"{context.Request.Method} /{path}";
    }

    private static string? Canonical(object? value) =>
        value is string text && Guid.TryParse(text, out var id) ? id.ToString("D") : value?.ToString();
}
