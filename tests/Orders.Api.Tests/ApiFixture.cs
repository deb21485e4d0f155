using System.Collections.Concurrent;
using Orders.Testing;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>
/// One PostgreSQL cluster for the suite and one API per test class, each on a fresh database, started on first use.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private readonly PostgresFixture postgres = new();
    private readonly ConcurrentDictionary<Type, Lazy<Task<OrdersApiFactory>>> apis = new();

    public PostgresFixture Postgres => postgres;

    public Task<OrdersApiFactory> ApiForAsync(Type testClass) =>
        apis.GetOrAdd(testClass, _ => new Lazy<Task<OrdersApiFactory>>(StartApiAsync)).Value;

    public Task InitializeAsync() => postgres.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var api in apis.Values.Where(a => a.IsValueCreated))
        {
            await (await api.Value).DisposeAsync();
        }

        await postgres.DisposeAsync();
    }

    private async Task<OrdersApiFactory> StartApiAsync()
    {
        var api = new OrdersApiFactory(await postgres.CreateDatabaseAsync());
        // Creating the server runs the start-up migration, so tests find the tables in place.
        api.CreateClient().Dispose();
        return api;
    }
}
