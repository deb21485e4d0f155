using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Orders.ServiceDefaults.Data;

/// <summary>
/// Applies the deployable's migrations before it starts its work, when <see cref="DatabaseOptions.MigrateOnStartup"/>
/// says so; traced, so a slow start shows where the time went.
/// </summary>
internal sealed class MigrateOnStartup(
    IEnumerable<IDatabaseMigration> migrations, IOptions<DatabaseOptions> options, ILogger<MigrateOnStartup> logger) : IHostedService
{
    // A database that is starting or restarting (a deployment, a failover, the fault-injection program's restarts)
    // refuses connections for seconds; a deployable started beside it waits that out instead of exiting.
    private static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStartup)
        {
            await MigrateAllAsync(migrations, logger, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies every migration in turn, retrying each for a minute while PostgreSQL cannot be reached.</summary>
    public static async Task MigrateAllAsync(
        IEnumerable<IDatabaseMigration> migrations, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var migration in migrations)
        {
            using var activity = MigrationTelemetry.Source.StartActivity("migrate " + migration.Name);
            var started = Stopwatch.StartNew();
            var delay = TimeSpan.FromMilliseconds(250);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await migration.MigrateAsync(cancellationToken);
                    break;
                }
                catch (NpgsqlException exception) when (exception.IsTransient && started.Elapsed < RetryFor)
                {
                    Log.MigrationRetrying(logger, exception, migration.Name, attempt, delay);
                    await Task.Delay(delay, cancellationToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
                }
            }
        }
    }
}
