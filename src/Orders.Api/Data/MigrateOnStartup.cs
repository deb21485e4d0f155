using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Orders.Api.Data;

/// <summary>Applies pending migrations before the server accepts requests, when <see cref="DatabaseOptions"/> say so.</summary>
internal sealed class MigrateOnStartup(IServiceProvider services, IOptions<DatabaseOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStartup)
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<OrdersDbContext>().Database;
        await database.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
