using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orders.Contracts;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Kafka;

/// <summary>The worker's batches, against the journal's transactions in miniature (applied only when a batch completes).</summary>
[Collection(KafkaCollectionDefinition.Name)]
public sealed class PartitionBatchTests(KafkaFixture kafka) : IDisposable
{
    private readonly TestTopic topic = new(kafka.BootstrapServers);

    [Fact]
    public async Task A_partitions_offset_moves_past_a_batch_only_after_the_batch_committed()
    {
        const long heldUser = 1;
        var backlog = await topic.PublishAsync(Enumerable.Range(1, 8).SelectMany(u => TestEvents.Lifecycle(u)));
        var heldPartition = backlog.First(p => p.Event.UserId == heldUser).Position.Partition.Value;
        var barrierUser = backlog.First(p => p.Position.Partition.Value != heldPartition).Event.UserId;
        var firstHeld = backlog.Where(p => p.Event.UserId == heldUser).Min(p => p.Position.Offset.Value);
        TaskCompletionSource release = null!;
        await using var host = await KafkaBridgeHost.StartAsync(topic, journal => release = journal.HoldCommitsOf(heldUser));

        await Eventually.HoldsAsync(() => host.Journal.HeldBatches == 1, "a batch with the held user's events waits to commit");
        // A record on another partition (a key seen there), applied and committed after the held batch was sent: the
        // commit loop ran since.
        var barrier = (await topic.PublishAsync([TestEvents.Submitted(barrierUser, Guid.NewGuid())]))[0];
        await Eventually.HoldsAsync(
            () => topic.Committed()[barrier.Position.Partition.Value] > barrier.Position.Offset.Value, "the barrier record is committed");

        Assert.True(topic.Committed()[heldPartition] <= firstHeld, "no offset of the uncommitted batch is committed");
        Assert.DoesNotContain(host.Journal.Applied, e => e.UserId == heldUser);

        release.SetResult();
        var all = backlog.Append(barrier).ToList();
        await Eventually.HoldsAsync(() => host.Journal.Applied.Count == all.Count, "every event is applied");
        AssertAppliedOnceInPartitionOrder(host, all);
        Assert.True(host.Journal.BatchesCommitted < all.Count, "records share batches");
        await Eventually.HoldsAsync(() => CommittedEverything(all), "every offset is committed");
    }

    [Fact]
    public async Task A_failure_inside_a_batch_rolls_it_back_and_its_records_are_applied_one_at_a_time_once_each()
    {
        const long userId = 3;
        var events = Enumerable.Range(0, 4).SelectMany(_ => TestEvents.Lifecycle(userId)).ToList();
        var published = await topic.PublishAsync(events);
        var failing = events[9];

        await using var host = await KafkaBridgeHost.StartAsync(topic, journal => journal.FailTimes(failing, 1));
        using var metrics = new MeterTotals(host.Services.GetRequiredService<IMeterFactory>());

        await Eventually.HoldsAsync(() => host.Journal.Applied.Count == events.Count, "every event is applied");
        AssertAppliedOnceInPartitionOrder(host, published);
        Assert.Equal(2, host.Journal.AttemptsAt(failing));
        Assert.Equal(1, host.Log.Count(2509));
        Assert.Equal(0, host.Log.Count(2503));
        await Eventually.HoldsAsync(
            () => metrics["orders.kafka.batches.rolled_back"] == 1 && metrics["orders.kafka.records.applied"] == events.Count,
            "the metrics count one rolled back batch and every record applied once");
        await Eventually.HoldsAsync(() => CommittedEverything(published), "every offset is committed");
    }

    [Fact]
    public async Task A_conflict_as_a_batch_commits_retries_the_whole_batch_once_and_applies_no_record_alone()
    {
        const long userId = 6;
        var events = Enumerable.Range(0, 25).SelectMany(_ => TestEvents.Lifecycle(userId)).ToList();
        var published = await topic.PublishAsync(events);

        await using var host = await KafkaBridgeHost.StartAsync(topic, journal => journal.FailCommits(1));
        using var metrics = new MeterTotals(host.Services.GetRequiredService<IMeterFactory>());

        await Eventually.HoldsAsync(() => host.Journal.Applied.Count == events.Count, "every event is applied");
        AssertAppliedOnceInPartitionOrder(host, published);
        Assert.Equal(0, host.Journal.AppliedAlone);
        Assert.Equal(1, host.Log.Count(2509));
        await Eventually.HoldsAsync(() => metrics["orders.kafka.batches.rolled_back"] == 1, "one rollback is counted");
        await Eventually.HoldsAsync(() => CommittedEverything(published), "every offset is committed");
    }

    [Fact]
    public async Task A_record_that_keeps_failing_in_a_batch_is_isolated_by_halving_and_only_it_is_applied_alone()
    {
        const long userId = 8;
        var events = Enumerable.Range(0, 10).SelectMany(_ => TestEvents.Lifecycle(userId)).ToList();
        var published = await topic.PublishAsync(events);
        var failing = events[21];

        await using var host = await KafkaBridgeHost.StartAsync(topic, journal => journal.FailTimes(failing, int.MaxValue));
        await Eventually.HoldsAsync(() => host.Log.Count(2503) >= 2, "the failing record is retried on its own");
        Assert.All(events[..21], e => Assert.Contains(host.Journal.Applied, a => a.Identity() == e.Identity()));
        host.Journal.FailTimes(failing, 0);

        await Eventually.HoldsAsync(() => host.Journal.Applied.Count == events.Count, "every event is applied");
        AssertAppliedOnceInPartitionOrder(host, published);
        Assert.Equal(1, host.Journal.AppliedAlone);
        // Halving isolates one record of n in about 2 log2(n) transactions; one by one would take n.
        Assert.InRange(host.Log.Count(2509), 2, 2 + (2 * (int)Math.Ceiling(Math.Log2(events.Count))));
        await Eventually.HoldsAsync(() => CommittedEverything(published), "every offset is committed");
    }

    [Fact]
    public async Task A_batch_size_of_one_applies_each_record_in_its_own_batch()
    {
        var published = await topic.PublishAsync(TestEvents.Lifecycle(userId: 4));

        await using var host = await KafkaBridgeHost.StartAsync(
            topic, configure: settings => settings["Kafka:MaxBatchSize"] = "1");

        await Eventually.HoldsAsync(() => host.Journal.Applied.Count == published.Count, "every event is applied");
        AssertAppliedOnceInPartitionOrder(host, published);
        Assert.Equal(published.Count, host.Journal.BatchesCommitted);
    }

    public void Dispose() => topic.Dispose();

    private static void AssertAppliedOnceInPartitionOrder(KafkaBridgeHost host, IReadOnlyList<(IOrderEvent Event, Confluent.Kafka.TopicPartitionOffset Position)> published)
    {
        Assert.Equal(published.Count, host.Journal.Applied.Count);
        var applied = host.Journal.Applied.ToLookup(e => e.UserId);
        foreach (var user in published.GroupBy(p => p.Event.UserId))
        {
            Assert.Equal(user.Select(p => p.Event.Identity()), applied[user.Key].Select(e => e.Identity()));
        }
    }

    private bool CommittedEverything(IEnumerable<(IOrderEvent Event, Confluent.Kafka.TopicPartitionOffset Position)> published)
    {
        var committed = topic.Committed();
        return published.GroupBy(p => p.Position.Partition.Value)
            .All(g => committed[g.Key] == g.Max(p => p.Position.Offset.Value) + 1);
    }
}
