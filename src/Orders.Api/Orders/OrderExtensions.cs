using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orders.Api.Orders;

public static class OrderExtensions
{
    /// <summary>
    /// Registers what the order endpoints need: the <see cref="OrderWriter"/>, the clock, the <c>Orders.Api</c> meter, and
    /// strict, source-generated JSON that writes statuses as names.
    /// </summary>
    public static IHostApplicationBuilder AddOrders(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<OrderWriter>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OrdersApiMetrics>();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            var json = options.SerializerOptions;
            json.TypeInfoResolverChain.Insert(0, OrdersJsonContext.Default);
            json.Converters.Add(new JsonStringEnumConverter());

            // A money API acts on exactly what the client wrote, or refuses it: no last-duplicate-wins, no ignored or
            // misspelt members, no numbers in strings.
            json.AllowDuplicateProperties = false;
            json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.PropertyNameCaseInsensitive = false;
            json.NumberHandling = JsonNumberHandling.Strict;
        });
        return builder;
    }
}
