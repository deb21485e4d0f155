using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Orders.ServiceDefaults.Data;
using Orders.ServiceDefaults.Health;

namespace Orders.Api.Data;

public static class DataExtensions
{
    /// <summary>
    /// Registers <see cref="OrdersDbContext"/> on <c>ConnectionStrings:Orders</c>, the optional start-up migration and
    /// the readiness check of the database.
    /// </summary>
    public static IHostApplicationBuilder AddOrdersDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.OrdersConnectionStringForRepeatedStatements();

        builder.Services.AddDbContextPool<OrdersDbContext>(options => options
            .UseNpgsql(connectionString, npgsql => npgsql
                .MigrationsHistoryTable(OrdersDbContext.MigrationsHistoryTable)
                .EnableRetryOnFailure()
                // A statement's span keeps its duration; the extra event per statement for its first response was a
                // hot spot of the request path in the profile (docs/benchmark.md) and tells little the span does not.
                .ConfigureDataSource(dataSource => dataSource.ConfigureTracing(tracing => tracing.EnableFirstResponseEvent(false))))
            .UseSnakeCaseNamingConvention()
            // A failed save is either expected (an idempotency key's repeat hits its primary key and is answered from
            // the record) or reaches the exception handler, which logs it as an error; EF's own error log would only
            // cry wolf on every repeat.
            .ConfigureWarnings(warnings => warnings.Log(
                (CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug))));

        builder.AddStartupMigration<OrdersDbContext>();
        builder.AddDatabaseHealthCheck(connectionString);
        return builder;
    }
}
