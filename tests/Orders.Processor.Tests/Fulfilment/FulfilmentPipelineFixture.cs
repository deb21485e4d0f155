using Microsoft.Extensions.Time.Testing;
using Orders.Fulfilment.Scenarios;
using Orders.SystemHost;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>
/// One PostgreSQL cluster, one Kafka stand-in and one processor host per kind of pipeline (partition batches on, off),
/// started on first use and shared by every scenario of the collection: each scenario brings its own orders.
/// </summary>
public sealed class FulfilmentPipelineFixture : IAsyncLifetime
{
    public const string Collection = "fulfilment-pipeline";

    private readonly Lazy<Task<PostgresCluster>> cluster = new(() => PostgresCluster.StartTemporaryAsync());
    private readonly Lazy<KafkaStandIn> kafka = new(() => KafkaStandIn.Start());
    private readonly Lazy<Task<PipelineSagaBackend>> single;
    private readonly Lazy<Task<PipelineSagaBackend>> batched;

    public FulfilmentPipelineFixture()
    {
        single = new(() => StartPipelineAsync(batched: false));
        batched = new(() => StartPipelineAsync(batched: true));
    }

    /// <summary>Where every scenario clock starts: a Monday morning, in whole seconds (PostgreSQL keeps microseconds).</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public async Task<FulfilmentScenario> StartAsync(bool batched)
    {
        // Both hosts start together: the collection runs the scenarios on each, and their start-ups overlap.
        var (wanted, other) = batched ? (this.batched, single) : (single, this.batched);
        _ = other.Value;
        return new(await wanted.Value);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var pipeline in new[] { single, batched }.Where(p => p.IsValueCreated))
        {
            await (await pipeline.Value).DisposeAsync();
        }

        if (kafka.IsValueCreated)
        {
            kafka.Value.Dispose();
        }

        if (cluster.IsValueCreated)
        {
            await (await cluster.Value).DisposeAsync();
        }
    }

    private async Task<PipelineSagaBackend> StartPipelineAsync(bool batched)
    {
        var database = await (await cluster.Value).CreateDatabaseAsync("scenarios_" + (batched ? "batched" : "single"));
        return await PipelineSagaBackend.StartAsync(database.Admin, kafka.Value.BootstrapServers, batched, NewClock());
    }
}
