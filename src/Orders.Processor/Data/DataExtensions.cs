using Microsoft.EntityFrameworkCore;
using Orders.ServiceDefaults.Data;
using Orders.ServiceDefaults.Health;

namespace Orders.Processor.Data;

public static class DataExtensions
{
    /// <summary>
    /// Registers <see cref="FulfilmentDbContext"/> (scoped, one per message) on <c>ConnectionStrings:Orders</c>, the
    /// optional start-up migration (registered before Quartz's hosted service, so the scheduler validates a store that
    /// exists) and the readiness check of the database.
    /// </summary>
    public static IHostApplicationBuilder AddFulfilmentDatabase(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.OrdersConnectionStringForRepeatedStatements();

        // Pooled: a saga transaction takes a DbContext from the pool instead of building one and its services.
        builder.Services.AddDbContextPool<FulfilmentDbContext>(options => options
            .UseNpgsql(connectionString, npgsql => npgsql
                // No EnableRetryOnFailure: an outage is retried by the saga's callers, which know when to stop.
                .MigrationsHistoryTable(FulfilmentDbContext.MigrationsHistoryTable, FulfilmentDbContext.Schema))
            .UseSnakeCaseNamingConvention());

        builder.AddStartupMigration<FulfilmentDbContext>();
        builder.AddDatabaseHealthCheck(connectionString);
        return builder;
    }
}
