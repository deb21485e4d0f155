using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orders.ServiceDefaults.Data;

/// <summary>
/// Applies pending migrations of <typeparamref name="TContext"/> before the deployable starts its work, when
/// <see cref="DatabaseOptions"/> say so; traced, so a slow start shows where the time went.
/// </summary>
internal sealed class MigrateOnStartup<TContext>(IServiceProvider services, IOptions<DatabaseOptions> options) : IHostedService
    where TContext : DbContext
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            return;
        }

        using var activity = MigrationTelemetry.Source.StartActivity("migrate " + typeof(TContext).Name);
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TContext>().Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
