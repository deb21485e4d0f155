using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orders.Api.Orders;

public static class OrderExtensions
{
    /// <summary>
    /// Registers what the order endpoints need: the <see cref="OrderWriter"/>, the clock, the <c>Orders.Api</c> meter, and JSON
    /// that writes statuses as names.
    /// </summary>
    public static IHostApplicationBuilder AddOrders(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<OrderWriter>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<OrdersApiMetrics>();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }
}
