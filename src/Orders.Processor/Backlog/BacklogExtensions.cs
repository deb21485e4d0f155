using System.Diagnostics.Metrics;
using Npgsql;
using Orders.ServiceDefaults.Data;

namespace Orders.Processor.Backlog;

public static class BacklogExtensions
{
    /// <summary>
    /// Adds the gauges of due timeouts (<c>orders.fulfilment.timeouts.due</c>, <c>.oldest_due_age</c>) and parked orders
    /// (<c>orders.fulfilment.parked_orders</c>), sampled from the processor's tables every few seconds.
    /// </summary>
    public static IHostApplicationBuilder AddFulfilmentBacklog(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.OrdersConnectionString();
        builder.Services.AddMetrics();
        builder.Services.AddHostedService(services => new FulfilmentBacklog(
            NpgsqlDataSource.Create(connectionString),
            services.GetRequiredService<IMeterFactory>(),
            services.GetRequiredService<ILogger<FulfilmentBacklog>>()));
        return builder;
    }
}
