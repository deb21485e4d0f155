using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Orders.Api.Auth;

namespace Orders.Api.Http;

public static class RequestLimitExtensions
{
    /// <summary>
    /// Registers the limits of <see cref="RequestLimitOptions"/> (section <c>RequestLimits</c>, validated at start-up)
    /// on every endpoint that does not opt out with <c>DisableRateLimiting()</c>. A client over its own limits gets a
    /// 429 problem, a request over the process's limit a 503 problem, both with <c>Retry-After</c>.
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
            var perClientRate = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetTokenBucketLimiter(Client(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = settings.RequestsPerSecondPerClient,
                    TokensPerPeriod = settings.RequestsPerSecondPerClient,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
            var perClient = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetConcurrencyLimiter(Client(context), _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = settings.MaxConcurrentRequestsPerClient,
                    QueueLimit = settings.QueueLimitPerClient,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));
            // One partition: a bound on the process's work, taken only once the client's own bounds let a request on.
            var process = PartitionedRateLimiter.Create<HttpContext, string>(_ =>
                RateLimitPartition.GetConcurrencyLimiter(string.Empty, _ => new ConcurrencyLimiterOptions
                {
                    PermitLimit = settings.MaxConcurrentRequests,
                    QueueLimit = settings.QueueLimit,
                    QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                }));

            rateLimiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(perClientRate, perClient, process);
            rateLimiter.OnRejected = (context, _) =>
            {
                var ownLimit = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan _)
                    || perClient.GetStatistics(context.HttpContext) is { CurrentAvailablePermits: 0 } own
                        && own.CurrentQueuedCount >= settings.QueueLimitPerClient;
                return RefuseAsync(context.HttpContext, settings.RetryAfter, ownLimit);
            };
        });
        return builder;
    }

    /// <summary>
    /// Reads each request body (up to <see cref="ProblemExtensions.MaxRequestBodyBytes"/>) and then applies the
    /// limits; place it after authentication, so that the limits know the client and a refused token costs no body read.
    /// </summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app)
    {
        // A body that trickles in is read before the request takes a slot, so slow senders wait in this read,
        // holding a connection and at most the body limit of memory, and never a slot that a database write needs.
        app.Use(async (context, next) =>
        {
            if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false)
            {
                context.Request.EnableBuffering(
                    bufferThreshold: (int)ProblemExtensions.MaxRequestBodyBytes, bufferLimit: ProblemExtensions.MaxRequestBodyBytes);
                await context.Request.Body.DrainAsync(context.RequestAborted);
                context.Request.Body.Position = 0;
            }

            await next(context);
        });
        return app.UseRateLimiter();
    }

    private static string Client(HttpContext context) => ScopeClaims.ClientId(context.User) ?? string.Empty;

    private static async ValueTask RefuseAsync(HttpContext context, TimeSpan retryAfter, bool ownLimit)
    {
        var seconds = (long)Math.Ceiling(retryAfter.TotalSeconds);
        context.Response.StatusCode = ownLimit ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = context.Response.StatusCode,
                Title = ownLimit ? "Too many requests from this client" : "Too many requests in progress",
                Detail = ownLimit
                    ? $"This client is at its own limit of concurrent requests or requests per second; retry after {seconds} s."
                    : $"The API is at its limit of concurrent requests; retry after {seconds} s.",
            },
        });
    }
}
