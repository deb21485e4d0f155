using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

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
            .UseSnakeCaseNamingConvention()
            // A failed save is either expected (an idempotency key's repeat hits its primary key and is answered from
            // the record) or reaches the exception handler, which logs it as an error; EF's own error log would only
            // cry wolf on every repeat.
            .ConfigureWarnings(warnings => warnings.Log(
                (CoreEventId.SaveChangesFailed, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug))));

        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName));
        builder.Services.AddHostedService<MigrateOnStartup>();

        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: "database", tags: ["ready"]);
        return builder;
    }
}
