using Orders.Testing;
using Xunit;

namespace Orders.EndToEnd.Tests;

/// <summary>The order flow through every process: API → outbox → relay → Kafka → processor → saga, and back.</summary>
[Collection(WholeSystem.Name)]
public sealed class OrderFlowTests(SystemFixture fixture) : IAsyncDisposable
{
    private static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(60);
    private readonly OrdersClient client = new(fixture.System);
    private readonly Database database = new(fixture.System.ConnectionString);

    [Fact]
    public async Task Submitted_paid_shipped_and_delivered_order_ends_Completed_in_the_saga()
    {
        var id = await client.RunFullLifecycleAsync(userId: 1001);

        var saga = await WaitForSagasAsync([id], row => row.State == "Completed");

        Assert.Equal(4, saga[id].LastSequence);
        Assert.Equal("Delivered", (await database.OrderAsync(id)).Status);
    }

    [Fact]
    public async Task Unpaid_order_is_cancelled_for_payment_timeout_in_orders_and_saga()
    {
        var (id, _) = await client.SubmitAsync(userId: 1002);

        var saga = await WaitForSagasAsync([id], row => row.State == "Cancelled");

        var order = await database.OrderAsync(id);
        Assert.Equal(("Cancelled", "payment-timeout", 2), order);
        Assert.Equal("payment-timeout", saga[id].CancellationReason);
        Assert.Equal(["OrderSubmitted", "OrderCancelled"], await database.OutboxTypesAsync(id));
    }

    [Fact]
    public async Task Every_deployable_is_connected_with_its_own_login_and_none_as_a_superuser_or_the_schema_owner()
    {
        var id = await client.RunFullLifecycleAsync(userId: 1003);
        await WaitForSagasAsync([id], row => row.State == "Completed");

        // The relay may hold no idle connection between polls: the API's and the processor's pools always do.
        var logins = await database.OtherSessionLoginsAsync();
        Assert.All(logins, login => Assert.False(login.Superuser, login.Login));
        Assert.Subset(new HashSet<string> { "orders_api", "orders_processor", "orders_relay" }, logins.Select(l => l.Login).ToHashSet());
        Assert.Superset(new HashSet<string> { "orders_api", "orders_processor" }, logins.Select(l => l.Login).ToHashSet());
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await database.DisposeAsync();
    }

    private Task<IReadOnlyDictionary<Guid, Database.SagaRow>> WaitForSagasAsync(Guid[] ids, Func<Database.SagaRow, bool> condition) =>
        Eventually.HoldsAsync(
            () => database.SagasAsync(ids),
            rows => ids.All(id => rows.TryGetValue(id, out var row) && condition(row)),
            "every order reaches the expected saga state",
            FlowTimeout,
            rows => string.Join("; ", rows.Values) + "\n" + fixture.RecentOutput);
}
