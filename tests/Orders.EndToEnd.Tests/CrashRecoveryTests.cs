using Orders.SystemHost;
using Orders.Testing;
using Xunit;

namespace Orders.EndToEnd.Tests;

/// <summary>
/// A deployable killed with SIGKILL in the middle of a flow and started again: nothing is lost and nothing is
/// applied twice. Orders are driven concurrently so the kill lands while events are in flight.
/// </summary>
[Collection(WholeSystem.Name)]
public sealed class CrashRecoveryTests(SystemFixture fixture) : IAsyncDisposable
{
    private const int OrderCount = 40;
    private static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(90);
    private readonly OrdersClient client = new(fixture.System.ApiBaseAddress);
    private readonly Database database = new(fixture.System.ConnectionString);

    [Fact]
    public Task Processor_killed_mid_flow_and_restarted_loses_nothing_and_applies_nothing_twice() =>
        KillMidFlowAndRestartAsync(fixture.System.Processor, firstUserId: 2000);

    [Fact]
    public Task Relay_killed_mid_flow_and_restarted_loses_nothing_and_applies_nothing_twice() =>
        KillMidFlowAndRestartAsync(fixture.System.Relay, firstUserId: 3000);

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await database.DisposeAsync();
    }

    private async Task KillMidFlowAndRestartAsync(DeployableProcess victim, int firstUserId)
    {
        var flows = Enumerable.Range(firstUserId, OrderCount).Select(userId => client.RunFullLifecycleAsync(userId)).ToList();
        await Task.WhenAny(flows);
        await victim.KillAsync();
        var ids = await Task.WhenAll(flows);
        await fixture.System.RestartAsync(victim);

        var sagas = await Eventually.HoldsAsync(
            () => database.SagasAsync(ids),
            rows => ids.All(id => rows.TryGetValue(id, out var row) && row.State == "Completed"),
            "every order completes after the crash",
            FlowTimeout,
            rows => $"{rows.Count(r => r.Value.State == "Completed")} of {ids.Length} completed\n{fixture.RecentOutput}");

        // Four events per order, each applied exactly once: the saga's sequence ends at 4 and the API saw no
        // cancellation, which a re-applied submission (a second payment timeout) would eventually cause.
        Assert.All(ids, id => Assert.Equal(4, sagas[id].LastSequence));
        foreach (var id in ids)
        {
            Assert.Equal(["OrderSubmitted", "OrderPaid", "OrderShipped", "OrderDelivered"], await database.OutboxTypesAsync(id));
        }
    }
}
