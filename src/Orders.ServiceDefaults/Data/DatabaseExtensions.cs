using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orders.ServiceDefaults.Data;

public static class DatabaseExtensions
{
    /// <summary>
    /// Binds <see cref="DatabaseOptions"/> (section <c>Database</c>) and registers the hosted step that applies
    /// <typeparamref name="TContext"/>'s pending migrations when <see cref="DatabaseOptions.MigrateOnStartup"/> is on.
    /// Hosted services start in registration order: call this before registering anything that needs the schema.
    /// </summary>
    public static IHostApplicationBuilder AddStartupMigration<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName));
        builder.Services.AddHostedService<MigrateOnStartup<TContext>>();
        return builder;
    }

    /// <summary>The required <c>ConnectionStrings:Orders</c>, the database all three deployables share.</summary>
    public static string OrdersConnectionString(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configuration.GetConnectionString("Orders")
            ?? throw new InvalidOperationException("ConnectionStrings:Orders is not set.");
    }
}
