using Xunit;

namespace Orders.Api.Tests;

/// <summary>Base of the test classes: the class's API (its own database), a client and SQL access to that database.</summary>
public abstract class ApiTests(ApiFixture fixture) : IAsyncLifetime
{
    protected OrdersApiFactory Api { get; private set; } = null!;

    protected ApiClient Client { get; private set; } = null!;

    protected OrdersDatabase Database { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Api = await fixture.ApiForAsync(GetType());
        Client = Api.CreateApiClient();
        Database = new OrdersDatabase(Api.ConnectionString);
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }
}
