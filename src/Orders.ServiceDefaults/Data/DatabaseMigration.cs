using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Orders.ServiceDefaults.Data;

/// <summary>
/// Applies <typeparamref name="TContext"/>'s pending migrations as the schema's owner
/// (<c>ConnectionStrings:OrdersMigrations</c>), never as the login the deployable runs with, which may not create or
/// alter anything. The owner's connection is not pooled, so it is closed once the migrations are applied.
/// </summary>
internal sealed class DatabaseMigration<TContext>(IServiceProvider services, string migrationsConnectionString) : IDatabaseMigration
    where TContext : DbContext
{
    public string Name => typeof(TContext).Name;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var owner = new NpgsqlConnectionStringBuilder(migrationsConnectionString) { Pooling = false };
        await using var scope = services.CreateAsyncScope();

        // A context of its own rather than one of the deployable's (which may come from a pool and go back to it): its
        // connection string is replaced, the rest of its configuration (history table, naming) is the deployable's.
        var options = scope.ServiceProvider.GetRequiredService<DbContextOptions<TContext>>();
        await using var context = ActivatorUtilities.CreateInstance<TContext>(scope.ServiceProvider, options);
        context.Database.SetConnectionString(owner.ConnectionString);
        await context.Database.MigrateAsync(cancellationToken);
    }
}
