using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Orders.Api.Http;

public static class RequestLimitExtensions
{
    /// <summary>The rate-limiting policy of the order endpoints: one concurrency limiter they all share.</summary>
    public const string PolicyName = "orders";

    /// <summary>
    /// Registers the concurrency limit of the order endpoints from <see cref="RequestLimitOptions"/> (section
    /// <c>RequestLimits</c>, validated at start-up). A refused request gets a 503 problem with <c>Retry-After</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRequestLimits(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<RequestLimitOptions>()
            .Bind(builder.Configuration.GetSection(RequestLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(limits => limits.RetryAfter > TimeSpan.Zero, "RequestLimits:RetryAfter must be positive.")
            .ValidateOnStart();

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RequestLimitOptions>>((rateLimiter, limits) =>
        {
            var settings = limits.Value;
            rateLimiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            rateLimiter.OnRejected = (context, cancellationToken) => RefuseAsync(context.HttpContext, settings.RetryAfter);
            // One partition for the whole policy: a bound on the process's work, not a quota per client.
            rateLimiter.AddConcurrencyLimiter(PolicyName, concurrency =>
            {
                concurrency.PermitLimit = settings.MaxConcurrentRequests;
                concurrency.QueueLimit = settings.QueueLimit;
                concurrency.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
        });
        return builder;
    }

    /// <summary>Applies the limits to the endpoints that carry <see cref="PolicyName"/>; place it after routing.</summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private static async ValueTask RefuseAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = (long)Math.Ceiling(retryAfter.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Too many requests in progress",
                Detail = $"The API is at its limit of concurrent requests; retry after {seconds} s.",
            },
        });
    }
}
