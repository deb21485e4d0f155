using Orders.Contracts;
using Orders.Processor.Tests.Kafka;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>
/// A backlog of connector records applied in per-partition batches by the processor composed as in production, asserted
/// on the saga rows: every event once, in order, whatever fails or is redelivered.
/// </summary>
[Collection(PostgresDefinition.Name)]
public sealed class BatchPipelineTests(PostgresFixture postgres, KafkaFixture kafka) : IClassFixture<KafkaFixture>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly PipelineTopic topic = new(kafka.BootstrapServers);
    private readonly FakeOrdersApi api = new();
    private long nextId;

    [Fact]
    public async Task A_backlog_is_applied_in_shared_transactions_and_redelivering_it_after_a_crash_changes_nothing()
    {
        var orders = Enumerable.Range(501, 24).Select(user => TestEvents.Lifecycle(user % 3 + 1)).ToList();
        var records = Enumerable.Range(0, 4).SelectMany(step => orders.Select(o => Record(o[step]))).ToList();
        var positions = await topic.ProduceAsync(records);
        var database = await postgres.CreateDatabaseAsync();
        var groupId = PipelineTopic.NewGroupId();

        IReadOnlyDictionary<Guid, SagaRow> before;
        await using (var host = await PipelineHost.StartAsync(database, topic, groupId, api))
        {
            before = await WaitForStatesAsync(database, orders, "Completed");
            await Eventually.HoldsAsync(() => topic.CommittedPast(groupId, positions), "every offset is committed", Deadline);
            Assert.Equal(records.Count, host.Metrics["orders.kafka.records.applied"]);
            Assert.Equal(records.Count, host.Metrics["orders.fulfilment.applied"]);
            Assert.Equal(0, host.Metrics["orders.fulfilment.duplicates"]);
        }

        Assert.All(orders, o => Assert.Equal(4, before[o[0].OrderId].LastSequence));
        // Rows written by one commit share its xmin: far fewer transactions than the 96 records.
        Assert.True(before.Values.Select(r => r.Xmin).Distinct().Count() < orders.Count, "orders share transactions");

        // A consumer killed after a batch's commit and before its offset commit leaves the records uncommitted; a group
        // that never committed anything is that position for every record.
        var afterCrash = PipelineTopic.NewGroupId();
        await using var redelivered = await PipelineHost.StartAsync(database, topic, afterCrash, api);
        await Eventually.HoldsAsync(() => topic.CommittedPast(afterCrash, positions), "the redelivery is consumed", Deadline);
        Assert.Equal(records.Count, redelivered.Metrics["orders.fulfilment.duplicates"]);
        Assert.Equal(0, redelivered.Metrics["orders.fulfilment.applied"]);
        Assert.Equal(before, await SagaRow.ReadAllAsync(database));
    }

    [Fact]
    public async Task A_row_failing_inside_a_batch_rolls_it_back_and_every_record_is_then_applied_once_in_order()
    {
        // One user, one partition: the failing order's events sit between the others'. Its row's first write fails,
        // in whichever batch it comes.
        var orders = Enumerable.Range(0, 8).Select(_ => TestEvents.Lifecycle(601)).ToList();
        var failing = orders[5][0].OrderId;
        var records = Enumerable.Range(0, 4).SelectMany(step => orders.Select(o => Record(o[step]))).ToList();
        var database = await postgres.CreateDatabaseAsync();
        await using (var migrate = await FulfilmentHost.StartAsync(database, api))
        {
            // Only migrates the database, so the trigger can be in place before the first record is applied.
        }

        await FulfilmentSql.FailFirstWriteOfAsync(database, failing);
        var positions = await topic.ProduceAsync(records);
        Assert.Single(positions.Select(p => p.Partition.Value).Distinct());
        var groupId = PipelineTopic.NewGroupId();

        await using var host = await PipelineHost.StartAsync(database, topic, groupId, api);

        var rows = await WaitForStatesAsync(database, orders, "Completed");
        Assert.All(orders, o => Assert.Equal(4, rows[o[0].OrderId].LastSequence));
        Assert.True(await FulfilmentSql.ScalarAsync(database, "SELECT last_value FROM fulfilment.test_writes") >= 2, "the row failed once, then was written");
        await Eventually.HoldsAsync(() => topic.CommittedPast(groupId, positions), "every offset is committed", Deadline);
        Assert.True(host.Metrics["orders.kafka.batches.rolled_back"] >= 1, "the batch with the failing write rolled back");
        Assert.True(host.Log.Count(2509) >= 1, "the rollback is logged");
        // Every record applied exactly once: none skipped (every row at sequence 4), none seen as a repeat of an earlier
        // application. (orders.fulfilment.applied also counts the rolled-back batch's work, so it is not the measure.)
        Assert.Equal(0, host.Metrics["orders.fulfilment.duplicates"]);
        Assert.Equal(records.Count, host.Metrics["orders.kafka.records.applied"]);
        Assert.Equal(8, rows.Count);
    }

    public void Dispose() => topic.Dispose();

    private static Task<IReadOnlyDictionary<Guid, SagaRow>> WaitForStatesAsync(string database, List<IOrderEvent[]> orders, string state) =>
        SagaRow.WaitForStateAsync(database, orders.Select(o => o[0].OrderId), state, Deadline);

    private ConnectorRecord Record(IOrderEvent orderEvent) => ConnectorRecord.QueryMode(orderEvent, ++nextId);
}
