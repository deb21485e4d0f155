using Orders.Testing;
using Xunit;

namespace Orders.EndToEnd.Tests;

/// <summary>
/// Two processors in one consumer group; the one that held every partition is SIGKILLed mid-load. Its partitions
/// move to the other member, and every order still completes with each event applied exactly once.
/// </summary>
[Collection(WholeSystem.Name)]
public sealed class ProcessorFailoverTests(SystemFixture fixture) : IAsyncDisposable
{
    private const int OrderCount = 40;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly OrdersClient client = new(fixture.System);
    private readonly Database database = new(fixture.System.ConnectionString);

    [Fact]
    public async Task A_processor_killed_mid_load_hands_its_partitions_to_the_other_member_and_nothing_is_lost_or_applied_twice()
    {
        var system = fixture.System;
        // The second member joins while the load runs; whether before or after the kill, the victim's partitions can
        // only be worked off by it, because the victim stays dead until every order has completed.
        var survivor = system.StartProcessorNode();
        try
        {
            var flows = Enumerable.Range(5000, OrderCount).Select(userId => client.RunFullLifecycleAsync(userId)).ToList();
            await Task.WhenAny(flows);
            await system.Processor.KillAsync();
            var ids = await Task.WhenAll(flows);

            var sagas = await Eventually.HoldsAsync(
                () => database.SagasAsync(ids),
                rows => ids.All(id => rows.TryGetValue(id, out var row) && row.State == "Completed"),
                "every order completes on the surviving processor",
                Timeout,
                rows => $"{rows.Count(r => r.Value.State == "Completed")} of {ids.Length} completed\n{fixture.RecentOutput}");

            Assert.All(ids, id => Assert.Equal(4, sagas[id].LastSequence));
            foreach (var id in ids)
            {
                Assert.Equal(["OrderSubmitted", "OrderPaid", "OrderShipped", "OrderDelivered"], await database.OutboxTypesAsync(id));
            }
        }
        finally
        {
            await system.RestartAsync(system.Processor);
            await survivor.StopAsync(TimeSpan.FromSeconds(15));
        }
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await database.DisposeAsync();
    }
}
