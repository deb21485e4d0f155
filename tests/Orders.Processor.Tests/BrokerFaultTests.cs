using Confluent.Kafka;
using Orders.Contracts;
using Orders.Processor.Tests.Kafka;
using Orders.Processor.Tests.Pipeline;
using Orders.SystemHost;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests;

/// <summary>
/// Broker faults injected into a three-broker stand-in through librdkafka's mock API while the processor consumes:
/// fetch and commit errors, a leader move and the leader and group coordinator going down and up. Every event is
/// applied once, in order, and every offset is committed in the end.
/// </summary>
[Collection(PostgresDefinition.Name)]
public sealed class BrokerFaultTests(PostgresFixture postgres) : IDisposable
{
    private const int Orders = 12;
    private const int Leader = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly KafkaStandIn kafka = KafkaStandIn.Start(brokers: 3);
    private readonly FakeOrdersApi api = new();
    private long nextId;

    [Fact]
    public async Task Fetch_and_commit_errors_a_leader_move_and_a_broker_down_and_up_apply_every_event_once_in_order()
    {
        var orders = Enumerable.Range(0, Orders).Select(user => TestEvents.Lifecycle(700 + user)).ToList();
        using var topic = new PipelineTopic(kafka.BootstrapServers);
        kafka.CreateTopic(topic.Name);
        var database = await postgres.CreateDatabaseAsync();
        var groupId = PipelineTopic.NewGroupId();
        kafka.Faults.MoveGroupCoordinator(groupId, Leader);
        await using var host = await PipelineHost.StartAsync(database, topic, groupId, api);
        await Eventually.HoldsAsync(() => host.Log.AssignedPartitions().Count == 4, "the host holds the four partitions", Deadline);

        // Errors on the wire: fetches and offset commits answered with retriable errors, the client retries.
        kafka.Faults.FailNext(KafkaApiKey.Fetch, ErrorCode.NotLeaderForPartition, ErrorCode.UnknownTopicOrPart, ErrorCode.RequestTimedOut);
        kafka.Faults.FailNext(KafkaApiKey.OffsetCommit, ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupLoadInProgress, ErrorCode.RequestTimedOut);
        var positions = new List<TopicPartitionOffset>(await topic.ProduceAsync(Step(orders, 0)));
        await WaitForStatesAsync(database, orders, "AwaitingPayment");

        // Every partition's leader moves; the consumer follows the NOT_LEADER answers to broker 3.
        for (var partition = 0; partition < 4; partition++)
        {
            kafka.Faults.MoveLeader(topic.Name, partition, Leader);
        }

        positions.AddRange(await topic.ProduceAsync(Step(orders, 1)));
        await WaitForStatesAsync(database, orders, "AwaitingShipment");

        // The broker leading every partition and coordinating the group goes down: the consumer loses its fetches and
        // its coordinator and asks the other brokers for a new one, then the broker comes back.
        positions.AddRange(await topic.ProduceAsync(Step(orders, 2)));
        kafka.Faults.CountRequests();
        kafka.Faults.BrokerDown(Leader);
        await Eventually.HoldsAsync(
            () => kafka.Faults.RequestsReceived(KafkaApiKey.FindCoordinator) > 0, "the consumer looked for a new coordinator", Deadline);
        kafka.Faults.StopCountingRequests();
        kafka.Faults.BrokerUp(Leader);
        positions.AddRange(await topic.ProduceAsync(Step(orders, 3)));

        var rows = await WaitForStatesAsync(database, orders, "Completed");
        Assert.All(orders, o => Assert.Equal(4, rows[o[0].OrderId].LastSequence));
        await Eventually.HoldsAsync(() => topic.CommittedPast(groupId, positions), "every offset is committed", Deadline);
        Assert.Equal(orders.Count * 4, host.Metrics["orders.fulfilment.applied"]);
        Assert.Equal(0, host.Metrics["orders.fulfilment.parked"]);
        Assert.Equal(0, host.Metrics["orders.kafka.records.dead_lettered"]);
    }

    public void Dispose() => kafka.Dispose();

    private static Task<IReadOnlyDictionary<Guid, SagaRow>> WaitForStatesAsync(string database, List<IOrderEvent[]> orders, string state) =>
        SagaRow.WaitForStateAsync(database, orders.Select(o => o[0].OrderId), state, Deadline);

    private List<ConnectorRecord> Step(List<IOrderEvent[]> orders, int step) =>
        [.. orders.Select(o => ConnectorRecord.QueryMode(o[step], ++nextId))];
}
