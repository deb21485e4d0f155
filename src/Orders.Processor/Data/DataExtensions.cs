using Microsoft.EntityFrameworkCore;
using Npgsql;
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
        var connection = new NpgsqlConnectionStringBuilder(builder.OrdersConnectionString());

        // A saga transaction runs the same few statements (the batch's read, its writes, the timeout rows); prepared,
        // PostgreSQL skips parsing and planning them. A value in the connection string wins.
        if (connection.MaxAutoPrepare == 0)
        {
            connection.MaxAutoPrepare = 32;
        }

        // Skips the reset query PostgreSQL would run at every checkout of a pooled connection, one per saga
        // transaction; the saga keeps no session state.
        connection.NoResetOnClose = true;
        var connectionString = connection.ConnectionString;

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
