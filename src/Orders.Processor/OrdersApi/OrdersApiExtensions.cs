using Microsoft.Extensions.Options;

namespace Orders.Processor.OrdersApi;

public static class OrdersApiExtensions
{
    /// <summary>
    /// Registers <see cref="OrdersApiClient"/> on <c>OrdersApi:BaseAddress</c> with the standard resilience pipeline
    /// (retries on 5xx and connection failures are safe: every request carries an Idempotency-Key).
    /// </summary>
    public static IHostApplicationBuilder AddOrdersApiClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<OrdersApiOptions>()
            .Bind(builder.Configuration.GetSection(OrdersApiOptions.SectionName))
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "OrdersApi:BaseAddress must be an absolute URI.")
            .ValidateOnStart();

        builder.Services
            .AddHttpClient<OrdersApiClient>((services, http) =>
            {
                var baseAddress = services.GetRequiredService<IOptions<OrdersApiOptions>>().Value.BaseAddress!;
                // Relative paths resolve under the base only when it ends with a slash.
                http.BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
            })
            .AddStandardResilienceHandler(o => o.Retry.Delay = TimeSpan.FromMilliseconds(200));
        return builder;
    }
}
