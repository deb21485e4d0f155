using Orders.SystemHost;
using Xunit;

namespace Orders.Testing;

/// <summary>
/// A private PostgreSQL cluster for one test collection, started from the installed binaries. Each test class asks
/// for a database of its own, so classes never see each other's rows.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresCluster? cluster;

    public PostgresCluster Cluster => cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>
    /// Creates an empty database with a unique name and the component logins, and returns its connection string as the
    /// superuser (for the test's own set-up and look-ups); <see cref="OrdersDatabase.Of"/> gives the components' logins.
    /// </summary>
    public async Task<string> CreateDatabaseAsync() =>
        (await Cluster.CreateDatabaseAsync("test_" + Guid.NewGuid().ToString("N")[..16])).Admin;

    public async Task InitializeAsync() => cluster = await PostgresCluster.StartTemporaryAsync();

    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }
}
