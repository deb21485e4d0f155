using System.Text;
using Orders.Contracts;
using Orders.Processor.Tests.Kafka;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>
/// Issue 4: connector records on the Kafka stand-in, through the processor composed as in production (Kafka bridge,
/// saga, EF repository, Quartz) into a real PostgreSQL, asserted on the saga rows.
/// </summary>
[Collection(PostgresDefinition.Name)]
public sealed class PipelineTests(PostgresFixture postgres, KafkaFixture kafka) : IClassFixture<KafkaFixture>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly PipelineTopic topic = new(kafka.BootstrapServers);
    private readonly FakeOrdersApi api = new();
    private long nextId;

    [Fact]
    public async Task Records_of_both_connector_formats_drive_orders_to_completed_and_cancelled()
    {
        var completedByQuery = TestEvents.Lifecycle(101);
        var completedByTable = TestEvents.Lifecycle(102);
        var cancelledByQuery = Cancellation(103, paid: false);
        var cancelledByTable = Cancellation(104, paid: true);
        var unpaid = TestEvents.Submitted(105, Guid.NewGuid());
        var positions = await topic.ProduceAsync([
            .. Query(completedByQuery), .. Table(completedByTable), .. Query(cancelledByQuery), .. Table(cancelledByTable), .. Query([unpaid])]);
        var database = await postgres.CreateDatabaseAsync();
        var groupId = PipelineTopic.NewGroupId();

        await using var host = await PipelineHost.StartAsync(database, topic, groupId, api, paymentTimeout: TimeSpan.FromSeconds(3));

        // The unpaid order's deadline passes: the saga asks the API to cancel, and the API's OrderCancelled comes back
        // through the topic like any other event.
        await Eventually.HoldsAsync(() => api.CallsFor(unpaid.OrderId) > 0, "the payment timeout asks the API to cancel", Deadline);
        positions = [.. positions, .. await topic.ProduceAsync(Query([TestEvents.Cancelled(105, unpaid.OrderId, 2)]))];

        var rows = await WaitForStatesAsync(database, new()
        {
            [completedByQuery[0].OrderId] = "Completed",
            [completedByTable[0].OrderId] = "Completed",
            [cancelledByQuery[0].OrderId] = "Cancelled",
            [cancelledByTable[0].OrderId] = "Cancelled",
            [unpaid.OrderId] = "Cancelled",
        });
        Assert.Equal(5, rows.Count);
        Assert.Equal(4, rows[completedByQuery[0].OrderId].LastSequence);
        Assert.Equal(4, rows[completedByTable[0].OrderId].LastSequence);
        Assert.Equal(2, rows[cancelledByQuery[0].OrderId].LastSequence);
        Assert.Equal(3, rows[cancelledByTable[0].OrderId].LastSequence);
        Assert.Equal(2, rows[unpaid.OrderId].LastSequence);
        Assert.True(rows[unpaid.OrderId].CancellationRequested);
        Assert.All(rows.Values, r => Assert.False(r.RefundRequired));
        Assert.Equal([unpaid.OrderId], api.Calls.Select(c => c.OrderId));
        await Eventually.HoldsAsync(() => topic.CommittedPast(groupId, positions), "every offset is committed", Deadline);
        Assert.Equal(positions.Count, host.Metrics["orders.kafka.records.applied"]);
        Assert.Equal(0, host.Metrics["orders.kafka.records.dead_lettered"]);
    }

    [Fact]
    public async Task Duplicated_records_and_a_full_replay_by_a_new_group_change_no_saga_row()
    {
        var completed = TestEvents.Lifecycle(201);
        var cancelled = Cancellation(202, paid: true);
        var awaitingShipment = TestEvents.Lifecycle(203)[..2];
        var completedByTable = TestEvents.Lifecycle(204);
        ConnectorRecord[] records = [.. Query(completed), .. Table(cancelled), .. Query(awaitingShipment), .. Table(completedByTable)];
        var database = await postgres.CreateDatabaseAsync();
        var firstGroup = PipelineTopic.NewGroupId();
        await using var first = await PipelineHost.StartAsync(database, topic, firstGroup, api);
        var positions = await topic.ProduceAsync(records);
        var expected = new Dictionary<Guid, string>
        {
            [completed[0].OrderId] = "Completed",
            [cancelled[0].OrderId] = "Cancelled",
            [awaitingShipment[0].OrderId] = "AwaitingShipment",
            [completedByTable[0].OrderId] = "Completed",
        };
        var before = await WaitForStatesAsync(database, expected);
        await Eventually.HoldsAsync(() => topic.CommittedPast(firstGroup, positions), "the first pass is committed", Deadline);

        // A relay restarting from an older position publishes the same rows again, byte for byte.
        var repeated = await topic.ProduceAsync(records);
        await Eventually.HoldsAsync(() => topic.CommittedPast(firstGroup, repeated), "the duplicates are consumed", Deadline);
        Assert.Equal(records.Length, first.Metrics["orders.fulfilment.duplicates"]);
        Assert.Equal(before, await SagaRow.ReadAllAsync(database));

        // A new group (an offset reset, a second deployment) reads the whole topic again: every record is a repeat.
        var secondGroup = PipelineTopic.NewGroupId();
        await using var second = await PipelineHost.StartAsync(database, topic, secondGroup, api);
        await Eventually.HoldsAsync(
            () => topic.CommittedPast(secondGroup, [.. positions, .. repeated]),
            "the replay is consumed",
            Deadline);
        Assert.Equal(2 * records.Length, second.Metrics["orders.fulfilment.duplicates"]);
        Assert.Equal(0, second.Metrics["orders.fulfilment.applied"]);

        var after = await SagaRow.ReadAllAsync(database);
        Assert.Equal(before, after);
        Assert.Equal(expected, after.ToDictionary(r => r.Key, r => r.Value.State));
        Assert.All(after.Values, r => Assert.False(r.RefundRequired));
        Assert.Equal(4, after[completed[0].OrderId].LastSequence);
        Assert.Equal(3, after[cancelled[0].OrderId].LastSequence);
        Assert.Equal(2, after[awaitingShipment[0].OrderId].LastSequence);
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task Two_hosts_in_one_group_share_the_partitions_and_every_order_reaches_its_state()
    {
        // 40 orders, every fourth cancelled, every other one in the seed's format; their events interleave on the topic.
        var orders = Enumerable.Range(301, 40)
            .Select(user => user % 4 == 0 ? Cancellation(user, paid: user % 8 == 0) : TestEvents.Lifecycle(user))
            .ToList();
        // The first ten orders create the topic, so the hosts find its partitions when they subscribe.
        var positions = await topic.ProduceAsync(Interleaved(orders[..10]));
        var database = await postgres.CreateDatabaseAsync();
        var groupId = PipelineTopic.NewGroupId();
        await using var first = await PipelineHost.StartAsync(database, topic, groupId, api);
        await using var second = await PipelineHost.StartAsync(database, topic, groupId, api);
        await Eventually.HoldsAsync(
            () =>
            {
                var (a, b) = (first.Log.AssignedPartitions(), second.Log.AssignedPartitions());
                return a.Count > 0 && b.Count > 0 && a.Count + b.Count == 4 && !a.Overlaps(b);
            },
            "the two hosts share the four partitions",
            Deadline);

        var shared = await topic.ProduceAsync(Interleaved(orders[10..]));
        Assert.Equal(4, shared.Select(p => p.Partition.Value).Distinct().Count());

        var rows = await WaitForStatesAsync(
            database, orders.ToDictionary(o => o[0].OrderId, o => o[^1] is OrderCancelled ? "Cancelled" : "Completed"));
        Assert.Equal(40, rows.Count);
        Assert.All(orders, o => Assert.Equal(o.Length, rows[o[0].OrderId].LastSequence));
        Assert.All(rows.Values, r => Assert.False(r.RefundRequired));
        Assert.True(first.Metrics["orders.kafka.records.applied"] > 0, "the first host applied records");
        Assert.True(second.Metrics["orders.kafka.records.applied"] > 0, "the second host applied records");
        await Eventually.HoldsAsync(
            () => topic.CommittedPast(groupId, [.. positions, .. shared]),
            "every offset is committed",
            Deadline);
    }

    [Fact]
    public async Task A_poison_record_is_dead_lettered_and_a_missing_event_parks_only_its_order()
    {
        // One user, so one key and one partition: the poison record and the gap sit between the other orders' events.
        const long userId = 401;
        var completed = TestEvents.Lifecycle(userId);
        var gap = TestEvents.Lifecycle(userId);
        var after = TestEvents.Lifecycle(userId);
        var poison = new ConnectorRecord(OutboxRecordBytes.PlainKey(userId), "{\"schema\":{\"type\":\"struct\""u8.ToArray());
        var positions = await topic.ProduceAsync([
            .. Query([completed[0], gap[0]]),
            poison,
            .. Query([completed[1], gap[1], completed[2], gap[3], completed[3], .. after])]);
        Assert.Single(positions.Select(p => p.Partition.Value).Distinct());
        var database = await postgres.CreateDatabaseAsync();
        var groupId = PipelineTopic.NewGroupId();

        await using var host = await PipelineHost.StartAsync(database, topic, groupId, api);

        var rows = await WaitForStatesAsync(database, new()
        {
            [completed[0].OrderId] = "Completed",
            [gap[0].OrderId] = "Parked",
            [after[0].OrderId] = "Completed",
        });
        Assert.Equal(4, rows[completed[0].OrderId].LastSequence);
        Assert.Equal(4, rows[after[0].OrderId].LastSequence);
        var parked = rows[gap[0].OrderId];
        Assert.Equal((2, 3, 4), (parked.LastSequence, parked.ExpectedSequence, parked.ReceivedSequence));
        var deadLetter = Assert.Single(topic.ReadDeadLetters(1));
        Assert.Equal(poison.Value, deadLetter.Message.Value);
        Assert.Equal("malformed-json", Encoding.UTF8.GetString(deadLetter.Message.Headers.GetLastBytes("dlq-reason")));
        Assert.Equal(
            positions[2].Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Encoding.UTF8.GetString(deadLetter.Message.Headers.GetLastBytes("dlq-original-offset")));
        await Eventually.HoldsAsync(() => topic.CommittedPast(groupId, positions), "the partition is committed to its end", Deadline);
        Assert.Equal(1, host.Metrics["orders.kafka.records.dead_lettered"]);
        Assert.Equal(positions.Count - 1, host.Metrics["orders.kafka.records.applied"]);
        Assert.Empty(api.Calls);
    }

    public void Dispose() => topic.Dispose();

    /// <summary>Submitted, optionally paid, then cancelled: the last event's sequence is the order's last.</summary>
    private static IOrderEvent[] Cancellation(long userId, bool paid)
    {
        var lifecycle = TestEvents.Lifecycle(userId);
        var orderId = lifecycle[0].OrderId;
        return paid
            ? [lifecycle[0], lifecycle[1], TestEvents.Cancelled(userId, orderId, 3)]
            : [lifecycle[0], TestEvents.Cancelled(userId, orderId, 2)];
    }

    private static async Task<IReadOnlyDictionary<Guid, SagaRow>> WaitForStatesAsync(string database, Dictionary<Guid, string> expected) =>
        await Eventually.HoldsAsync(
            () => SagaRow.ReadAllAsync(database),
            rows => expected.All(e => rows.TryGetValue(e.Key, out var row) && row.State == e.Value),
            "every order reaches its expected state",
            Deadline);

    /// <summary>Step by step across the orders, each user in one format: odd users ours, even users the seed's.</summary>
    private List<ConnectorRecord> Interleaved(IReadOnlyList<IOrderEvent[]> orders) =>
        [.. Enumerable.Range(0, 4).SelectMany(step => orders
            .Where(o => step < o.Length)
            .Select(o => o[step].UserId % 2 == 0 ? ConnectorRecord.TableMode(o[step], ++nextId) : ConnectorRecord.QueryMode(o[step], ++nextId)))];

    private List<ConnectorRecord> Query(IEnumerable<IOrderEvent> events) =>
        events.Select(e => ConnectorRecord.QueryMode(e, ++nextId)).ToList();

    private List<ConnectorRecord> Table(IEnumerable<IOrderEvent> events) =>
        events.Select(e => ConnectorRecord.TableMode(e, ++nextId)).ToList();
}
