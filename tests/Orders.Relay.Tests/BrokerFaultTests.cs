using Confluent.Kafka;
using Orders.Relay.Tests.Support;
using Orders.SystemHost;
using Orders.Testing;
using Xunit;

namespace Orders.Relay.Tests;

/// <summary>
/// Broker faults injected into a three-broker stand-in through librdkafka's mock API while the relay publishes:
/// every row still reaches the topic once, in transaction order per partition.
/// </summary>
[Collection(RelayFixtures.Name)]
public sealed class BrokerFaultTests(PostgresFixture postgres) : IDisposable
{
    private const int RowsPerStep = 40;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly KafkaStandIn kafka = KafkaStandIn.Start(brokers: 3);

    [Fact]
    public async Task Produce_errors_leader_moves_and_a_broker_down_and_up_lose_and_repeat_no_row()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-broker-faults-" + Guid.NewGuid().ToString("N");
        kafka.CreateTopic(topic);
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        await using var relay = await RelayHost.StartAsync(
            database.ConnectionString,
            kafka.BootstrapServers,
            topic,
            batchSize: 25,
            extraSettings: new Dictionary<string, string?>
            {
                ["Kafka:Producer:reconnect.backoff.max.ms"] = "200",
                ["Kafka:Producer:retry.backoff.max.ms"] = "200",
            });
        var written = 0;
        await WriteAndWaitAsync();

        // Retriable errors: the idempotent producer retries them and keeps each partition's order.
        kafka.Faults.FailNext(
            KafkaApiKey.Produce,
            ErrorCode.NotLeaderForPartition,
            ErrorCode.LeaderNotAvailable,
            ErrorCode.NotEnoughReplicas,
            ErrorCode.RequestTimedOut);
        await WriteAndWaitAsync();

        // Every partition moves to broker 2; the producer learns it from NOT_LEADER answers and follows.
        for (var partition = 0; partition < collector.PartitionCount; partition++)
        {
            kafka.Faults.MoveLeader(topic, partition, brokerId: 2);
        }

        await WriteAndWaitAsync();

        // The leader of every partition goes away: rows wait in the producer, nothing is acknowledged or saved.
        var clientLogsBeforeOutage = relay.Events.Count(3006);
        kafka.Faults.BrokerDown(2);
        var positionBeforeOutage = await database.PositionAsync("test-relay");
        for (var i = 0; i < RowsPerStep; i++)
        {
            await database.WriteRowAsync(userId: i);
        }

        written += RowsPerStep;
        await Eventually.HoldsAsync(() => relay.Events.Count(3006) > clientLogsBeforeOutage, "the relay's client logged the lost connection", Timeout);
        Assert.Equal(positionBeforeOutage, await database.PositionAsync("test-relay"));
        kafka.Faults.BrokerUp(2);
        await WaitForRowsAsync();

        var records = collector.Records;
        Assert.Equal(written, records.Select(r => r.Id).Distinct().Count());
        Assert.Equal(written, records.Count);
        Assert.All(records.GroupBy(r => r.Partition), partition =>
        {
            var inOffsetOrder = partition.OrderBy(r => r.Offset).Select(r => r.TransactionId).ToList();
            Assert.Equal(inOffsetOrder.Order(), inOffsetOrder);
        });

        async Task WriteAndWaitAsync()
        {
            for (var i = 0; i < RowsPerStep; i++)
            {
                await database.WriteRowAsync(userId: i);
            }

            written += RowsPerStep;
            await WaitForRowsAsync();
        }

        async Task WaitForRowsAsync()
        {
            var last = await database.MaxTransactionIdAsync();
            await Eventually.HoldsAsync(async () => await database.PositionAsync("test-relay") == last, "the relay saved its position past the last row", Timeout);
            await collector.WaitForCountAsync(written, Timeout);
        }
    }

    public void Dispose() => kafka.Dispose();
}
