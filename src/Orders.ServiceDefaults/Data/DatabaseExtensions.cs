using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Orders.ServiceDefaults.Data;

public static class DatabaseExtensions
{
    /// <summary>The argument that makes a deployable apply its migrations and exit: <c>dotnet Orders.Api.dll migrate</c>.</summary>
    public const string MigrateCommand = "migrate";

    /// <summary>
    /// Registers <typeparamref name="TContext"/>'s migrations, applied as <c>ConnectionStrings:OrdersMigrations</c> (the
    /// schema's owner) by the <see cref="MigrateCommand"/> command, or at start-up when
    /// <see cref="DatabaseOptions.MigrateOnStartup"/> (section <c>Database</c>) is on. Hosted services start in
    /// registration order: call this before registering anything that needs the schema.
    /// </summary>
    public static IHostApplicationBuilder AddStartupMigration<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.SectionName));
        builder.Services.AddSingleton<IDatabaseMigration>(services => new DatabaseMigration<TContext>(
            services,
            services.GetRequiredService<IConfiguration>().GetConnectionString("OrdersMigrations")
                ?? throw new InvalidOperationException(
                    "ConnectionStrings:OrdersMigrations is not set: migrations run as the login that owns the schema " +
                    "(orders_owner), not as ConnectionStrings:Orders.")));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MigrateOnStartup>());
        return builder;
    }

    /// <summary>
    /// Runs the deployable; or, when <paramref name="args"/> start with <see cref="MigrateCommand"/>, applies its
    /// migrations and returns without serving: the deployment step that runs before the deployable starts. Both wait up to
    /// a minute for a PostgreSQL that cannot be reached yet.
    /// </summary>
    public static async Task RunOrMigrateAsync(this WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        if (args.FirstOrDefault() == MigrateCommand)
        {
            await MigrateOnStartup.MigrateAllAsync(
                app.Services.GetServices<IDatabaseMigration>(),
                app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<MigrateOnStartup>(),
                CancellationToken.None);
            return;
        }

        await app.RunAsync();
    }

    /// <summary>The required <c>ConnectionStrings:Orders</c>, the database all three deployables share.</summary>
    public static string OrdersConnectionString(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Configuration.GetConnectionString("Orders")
            ?? throw new InvalidOperationException("ConnectionStrings:Orders is not set.");
    }

    /// <summary>
    /// <see cref="OrdersConnectionString"/> for a deployable that runs the same few statements over and over on pooled
    /// connections and sets no session state (the API's writes, the saga's transactions): up to 32 statements prepared
    /// automatically, so PostgreSQL skips parsing and planning them (a <c>Max Auto Prepare</c> in the connection string
    /// wins), and no reset query at every checkout of a pooled connection.
    /// </summary>
    public static string OrdersConnectionStringForRepeatedStatements(this IHostApplicationBuilder builder)
    {
        var connection = new NpgsqlConnectionStringBuilder(builder.OrdersConnectionString());
        if (connection.MaxAutoPrepare == 0)
        {
            connection.MaxAutoPrepare = 32;
        }

        connection.NoResetOnClose = true;
        return connection.ConnectionString;
    }
}
