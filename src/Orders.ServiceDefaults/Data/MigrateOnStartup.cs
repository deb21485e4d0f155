using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orders.ServiceDefaults.Data;

/// <summary>
/// Applies the deployable's migrations before it starts its work, when <see cref="DatabaseOptions.MigrateOnStartup"/>
/// says so; traced, so a slow start shows where the time went.
/// </summary>
internal sealed class MigrateOnStartup(IEnumerable<IDatabaseMigration> migrations, IOptions<DatabaseOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStartup)
        {
            await MigrateAllAsync(migrations, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task MigrateAllAsync(IEnumerable<IDatabaseMigration> migrations, CancellationToken cancellationToken)
    {
        foreach (var migration in migrations)
        {
            using var activity = MigrationTelemetry.Source.StartActivity("migrate " + migration.Name);
            await migration.MigrateAsync(cancellationToken);
        }
    }
}
