using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orders.Processor.Kafka;
using Orders.Processor.Tests.Kafka;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>The processor as deployed, with its PostgreSQL gone: it retries visibly and still stops promptly.</summary>
[Collection(PostgresDefinition.Name)]
public sealed class DatabaseOutageTests(PostgresFixture postgres, KafkaFixture kafka) : IClassFixture<KafkaFixture>, IDisposable
{
    private readonly PipelineTopic topic = new(kafka.BootstrapServers);
    private long nextId;

    [Fact]
    public async Task Stopping_the_consumer_while_the_database_is_unreachable_returns_within_seconds_and_commits_nothing_unapplied()
    {
        var database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync());
        using var proxy = TcpProxy.Start(database.Host!, database.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Pooling = true };
        var groupId = PipelineTopic.NewGroupId();
        var before = TestEvents.Lifecycle(201);
        var positions = await topic.ProduceAsync(before.Select(e => ConnectorRecord.QueryMode(e, ++nextId)));
        var host = await PipelineHost.StartAsync(throughProxy.ConnectionString, topic, groupId, new FakeOrdersApi());
        await Eventually.HoldsAsync(() => topic.CommittedPast(groupId, positions), "the first order is applied and committed");

        proxy.Cut();
        var during = await topic.ProduceAsync(TestEvents.Lifecycle(201).Select(e => ConnectorRecord.QueryMode(e, ++nextId)));
        await Eventually.HoldsAsync(() => host.Log.Count(2503) >= 2, "the unreachable database is retried visibly");

        var stopwatch = Stopwatch.StartNew();
        await host.Services.GetServices<IHostedService>().OfType<OrderEventsConsumer>().Single().StopAsync(CancellationToken.None);
        var stopped = stopwatch.Elapsed;
        proxy.Restore();
        await host.DisposeAsync();

        Assert.InRange(stopped, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.False(topic.CommittedPast(groupId, [during[0]]), "nothing unapplied is committed");
        Assert.True(host.Metrics["orders.kafka.records.retries"] >= 2);
    }

    public void Dispose() => topic.Dispose();
}
