using Microsoft.EntityFrameworkCore;

namespace Orders.Api.Data;

public static class DataExtensions
{
    /// <summary>
    /// Registers <see cref="OrdersDbContext"/> on <c>ConnectionStrings:Orders</c>, the optional start-up migration and
    /// the readiness check of the database.
    /// </summary>
    public static IHostApplicationBuilder AddOrdersDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Orders")
            ?? throw new InvalidOperationException("ConnectionStrings:Orders is not set.");

        builder.Services.AddDbContextPool<OrdersDbContext>(options => options
            .UseNpgsql(connectionString, npgsql => npgsql
                .MigrationsHistoryTable(OrdersDbContext.MigrationsHistoryTable)
                .EnableRetryOnFailure())
            .UseSnakeCaseNamingConvention());

        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName));
        builder.Services.AddHostedService<MigrateOnStartup>();

        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: "database", tags: ["ready"]);
        return builder;
    }
}
