using Microsoft.EntityFrameworkCore;

namespace Orders.Processor.Data;

public static class DataExtensions
{
    /// <summary>
    /// Registers <see cref="FulfilmentDbContext"/> (scoped, one per message) on <c>ConnectionStrings:Orders</c> and the
    /// optional start-up migration.
    /// </summary>
    public static IHostApplicationBuilder AddFulfilmentDatabase(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString("Orders")
            ?? throw new InvalidOperationException("ConnectionStrings:Orders is not set.");

        builder.Services.AddDbContext<FulfilmentDbContext>(options => options
            .UseNpgsql(connectionString, npgsql => npgsql
                // No EnableRetryOnFailure: an outage is retried by the saga's callers, which know when to stop.
                .MigrationsHistoryTable(FulfilmentDbContext.MigrationsHistoryTable, FulfilmentDbContext.Schema))
            .UseSnakeCaseNamingConvention());

        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName));
        builder.Services.AddHostedService<MigrateOnStartup>();
        return builder;
    }
}
