using Xunit;

namespace Orders.Api.Tests;

/// <summary>Base of the test classes: the class's API (its own database), a client and SQL access to that database.</summary>
public abstract class ApiTests(ApiFixture fixture) : IAsyncLifetime
{
    /// <summary>The suite's cluster and APIs, for a test that needs a database or an API of its own.</summary>
    protected ApiFixture Fixture => fixture;

    protected OrdersApiFactory Api { get; private set; } = null!;

    protected ApiClient Client { get; private set; } = null!;

    protected CommittedRows Database { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Api = await fixture.ApiForAsync(GetType());
        Client = Api.CreateApiClient();
        Database = new CommittedRows(Api.ConnectionString);
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }
}
