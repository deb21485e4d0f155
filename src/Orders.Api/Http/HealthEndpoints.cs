using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Orders.Api.Http;

public static class HealthEndpoints
{
    /// <summary>
    /// Maps <c>/health/live</c> (the process answers; runs no checks, so a database outage does not restart it) and
    /// <c>/health/ready</c> (the checks tagged <c>ready</c>: the database), both without a token or request limits.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous()
            .DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") })
            .AllowAnonymous()
            .DisableRateLimiting();
        return app;
    }
}
