using Microsoft.Extensions.Hosting;

namespace Orders.Testing;

/// <summary>
/// A started generic host as a test holds it: stopping is idempotent (a test may stop it to simulate a shutdown and
/// then dispose it), and disposing stops it first.
/// </summary>
public sealed class StartedHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool stopped;

    private StartedHost(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;

    public static async Task<StartedHost> StartAsync(IHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        await host.StartAsync();
        return new StartedHost(host);
    }

    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        host.Dispose();
    }
}
