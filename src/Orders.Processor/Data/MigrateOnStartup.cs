using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Orders.Processor.Data;

/// <summary>
/// Applies pending migrations when <see cref="DatabaseOptions"/> say so. Registered before Quartz's hosted service, so the
/// scheduler validates a store that exists.
/// </summary>
internal sealed class MigrateOnStartup(IServiceProvider services, IOptions<DatabaseOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FulfilmentDbContext>().Database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
