using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Orders.Processor.OrdersApi;

public static class OrdersApiExtensions
{
    /// <summary>
    /// Registers <see cref="OrdersApiClient"/> on <c>OrdersApi:BaseAddress</c> with the standard resilience pipeline
    /// (retries on 5xx and connection failures are safe: every request carries an Idempotency-Key) and, inside it, the
    /// processor's bearer token from <see cref="OrdersApiTokenOptions"/> (section <c>OrdersApi:Token</c>), so every
    /// attempt carries a valid one.
    /// </summary>
    public static IHostApplicationBuilder AddOrdersApiClient(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddOptions<OrdersApiOptions>()
            .Bind(builder.Configuration.GetSection(OrdersApiOptions.SectionName))
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "OrdersApi:BaseAddress must be an absolute URI.")
            .ValidateOnStart();
        builder.Services.AddOptions<OrdersApiTokenOptions>()
            .Bind(builder.Configuration.GetSection(OrdersApiTokenOptions.SectionName))
            .Validate(
                o => !string.IsNullOrEmpty(o.DevelopmentSigningKey) || o.TokenEndpoint is { IsAbsoluteUri: true },
                "OrdersApi:Token:TokenEndpoint must be an absolute URI (or, outside Production, set OrdersApi:Token:DevelopmentSigningKey).")
            .Validate(
                o => !string.IsNullOrEmpty(o.DevelopmentSigningKey) || !string.IsNullOrEmpty(o.ClientSecret),
                "OrdersApi:Token:ClientSecret is not set.")
            .Validate<IHostEnvironment>(
                (o, environment) => string.IsNullOrEmpty(o.DevelopmentSigningKey) || !environment.IsProduction(),
                "OrdersApi:Token:DevelopmentSigningKey is set in Production; use the client credentials settings instead.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<OrdersApiTokenSource>();
        builder.Services.AddTransient<OrdersApiTokenHandler>();
        builder.Services.AddHttpClient(OrdersApiTokenSource.TokenClientName)
            .AddStandardResilienceHandler(o => o.Retry.Delay = TimeSpan.FromMilliseconds(200));

        var ordersApi = builder.Services.AddHttpClient<OrdersApiClient>((services, http) =>
        {
            var baseAddress = services.GetRequiredService<IOptions<OrdersApiOptions>>().Value.BaseAddress!;
            // Relative paths resolve under the base only when it ends with a slash.
            http.BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        });
        // Added in this order, the token handler sits inside the retries: each attempt asks for a current token.
        ordersApi.AddStandardResilienceHandler(o => o.Retry.Delay = TimeSpan.FromMilliseconds(200));
        ordersApi.AddHttpMessageHandler<OrdersApiTokenHandler>();
        return builder;
    }
}
