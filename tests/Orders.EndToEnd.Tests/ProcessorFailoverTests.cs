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
    private const string Survivor = "processor-2";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly OrdersClient client = new(fixture.System.ApiBaseAddress);
    private readonly Database database = new(fixture.System.ConnectionString);

    [Fact]
    public async Task A_processor_killed_mid_load_hands_its_partitions_to_the_other_member_and_nothing_is_lost_or_applied_twice()
    {
        var system = fixture.System;
        var survivor = system.StartAnotherProcessor(
            Survivor, new Dictionary<string, string> { ["Logging__LogLevel__Orders.Processor.Kafka"] = "Information" });
        try
        {
            // The survivor joins first, so the kill takes partitions that were assigned to the victim.
            await Eventually.HoldsAsync(
                () => Task.FromResult(fixture.RecentOutput),
                output => output.Split('\n').Any(line =>
                    line.StartsWith($"[{Survivor}]", StringComparison.Ordinal) && line.Contains("Assigned partitions", StringComparison.Ordinal)),
                Timeout,
                _ => "the second processor joined the group");

            var flows = Enumerable.Range(5000, OrderCount).Select(userId => client.RunFullLifecycleAsync(userId)).ToList();
            await Task.WhenAny(flows);
            await system.Processor.KillAsync();
            var ids = await Task.WhenAll(flows);

            var sagas = await Eventually.HoldsAsync(
                () => database.SagasAsync(ids),
                rows => ids.All(id => rows.TryGetValue(id, out var row) && row.State == "Completed"),
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
