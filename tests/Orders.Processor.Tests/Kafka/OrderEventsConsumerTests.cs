using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Orders.Contracts;
using Orders.Processor.Kafka;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Kafka;

[Collection(KafkaCollectionDefinition.Name)]
public sealed class OrderEventsConsumerTests(KafkaFixture kafka) : IDisposable
{
    private readonly TestTopic topic = new(kafka.BootstrapServers);

    [Fact]
    public async Task Records_with_a_struct_key_or_a_plain_key_both_reach_the_mediator()
    {
        var tableMode = await topic.PublishAsync(TestEvents.Lifecycle(userId: 1), tableMode: true);
        var queryMode = await topic.PublishAsync(TestEvents.Lifecycle(userId: 2));

        await using var host = await KafkaBridgeHost.StartAsync(topic);

        await Eventually.HoldsAsync(() => host.Journal.Applied.Count == 8, "all eight events are applied");
        foreach (var published in new[] { tableMode, queryMode })
        {
            var userId = published[0].Event.UserId;
            Assert.Equal(
                published.Select(p => (p.Event.GetType(), p.Event.Identity())),
                host.Journal.Applied.Where(e => e.UserId == userId).Select(e => (e.GetType(), e.Identity())));
        }

        await Eventually.HoldsAsync(() => CommittedEverything(tableMode.Concat(queryMode)), "every offset is committed");
    }

    [Fact]
    public async Task Each_partitions_records_are_applied_exactly_in_order()
    {
        // 120 users with two orders each; a user's events interleave its orders and all users interleave each other.
        var perUser = Enumerable.Range(1, 120).Select(u =>
        {
            var (first, second) = (TestEvents.Lifecycle(u), TestEvents.Lifecycle(u));
            return first.Zip(second).SelectMany(pair => new[] { pair.First, pair.Second }).ToArray();
        }).ToArray();
        var events = Enumerable.Range(0, 8).SelectMany(step => perUser.Select(user => user[step]));
        var published = await topic.PublishAsync(events);
        Assert.Equal(4, published.Select(p => p.Position.Partition.Value).Distinct().Count());

        await using var host = await KafkaBridgeHost.StartAsync(topic);

        await Eventually.HoldsAsync(() => host.Journal.Applied.Count >= published.Count, "every event is applied");
        Assert.Equal(published.Count, host.Journal.Applied.Count);
        var applied = host.Journal.Applied.ToLookup(e => e.UserId);
        foreach (var user in published.GroupBy(p => p.Event.UserId))
        {
            Assert.Equal(user.Select(p => p.Event.Identity()), applied[user.Key].Select(e => e.Identity()));
        }

        await Eventually.HoldsAsync(() => CommittedEverything(published), "every offset is committed");
    }

    [Fact]
    public async Task A_failing_record_is_retried_and_holds_back_only_its_partition_until_it_succeeds()
    {
        const long userId = 42;
        var earlier = TestEvents.Submitted(userId, Guid.NewGuid());
        var lifecycle = TestEvents.Lifecycle(userId);
        var failing = lifecycle[0];
        var published = await topic.PublishAsync([earlier, .. lifecycle]);
        var others = await topic.PublishAsync(Enumerable.Range(100, 30).SelectMany(u => TestEvents.Lifecycle(u)));
        var partition = published[1].Position.Partition.Value;
        var failingOffset = published[1].Position.Offset.Value;
        var otherPartitions = others.Where(p => p.Position.Partition.Value != partition).ToList();
        Assert.NotEmpty(otherPartitions);

        await using var host = await KafkaBridgeHost.StartAsync(topic, journal => journal.FailTimes(failing, int.MaxValue));

        await Eventually.HoldsAsync(
            () => host.Journal.AttemptsAt(failing) >= 3 && otherPartitions.All(p => Applied(host, p.Event)),
            "the failing event was tried three times and the other partitions went on");
        await Eventually.HoldsAsync(
            () => topic.Committed()[partition] == failingOffset, "the partition is committed up to the failing record");
        var attempts = host.Journal.AttemptsAt(failing);
        await Eventually.HoldsAsync(() => host.Journal.AttemptsAt(failing) >= attempts + 2, "two more attempts were made");
        Assert.Equal(failingOffset, topic.Committed()[partition]);
        Assert.DoesNotContain(host.Journal.Applied, e => e.OrderId == failing.OrderId);
        // A failed attempt is logged as a rolled-back batch (2509) or, once the record is applied alone, a retry (2503).
        Assert.True(host.Log.Count(2503) + host.Log.Count(2509) >= attempts + 1, "every failed attempt is logged");

        var health = host.Services.GetRequiredService<PartitionWorkerHealth>();
        var retrying = health.Partitions[partition];
        Assert.Equal(PartitionWorkerState.Retrying, retrying.State);
        Assert.Equal(failingOffset, retrying.Offset);
        Assert.True(retrying.Attempts >= 1);
        Assert.StartsWith("TimeoutException", retrying.LastError, StringComparison.Ordinal);
        Assert.False(health.AllRunning);

        host.Journal.FailTimes(failing, 0);

        await Eventually.HoldsAsync(
            () => published.All(p => Applied(host, p.Event)), "the failing event and those behind it are applied");
        await Eventually.HoldsAsync(() => health.AllRunning && health.Partitions.Count == 4, "every partition is running again");
        Assert.Equal(
            published.Select(p => p.Event.Identity()),
            host.Journal.Applied.Where(e => e.UserId == userId).Select(e => e.Identity()));
        await Eventually.HoldsAsync(() => CommittedEverything(published.Concat(others)), "every offset is committed");
    }

    [Fact]
    public async Task Poison_records_go_to_the_dead_letter_topic_and_the_records_behind_them_are_applied()
    {
        const long userId = 7;
        var lifecycle = TestEvents.Lifecycle(userId);
        var key = OutboxRecordBytes.PlainKey(userId);
        var malformed = "{\"schema\":{\"type\":\"struct\""u8.ToArray();
        var unknownType = OutboxRecordBytes.Envelope(
            OutboxRecordBytes.QueryModeSchema,
            OutboxRecordBytes.Row(90, userId, lifecycle[0].OrderId, "OrderCreated", "{}", DateTimeOffset.UnixEpoch, 91));
        var positions = new List<TopicPartitionOffset>
        {
            (await topic.PublishAsync([lifecycle[0]]))[0].Position,
            await topic.ProduceAsync(key, malformed),
            (await topic.PublishAsync([lifecycle[1]]))[0].Position,
            await topic.ProduceAsync(key, unknownType),
            (await topic.PublishAsync([lifecycle[2]]))[0].Position,
        };

        await using var host = await KafkaBridgeHost.StartAsync(topic);
        using var metrics = new MeterTotals(host.Services.GetRequiredService<IMeterFactory>());

        await Eventually.HoldsAsync(() => host.Journal.Applied.Count == 3, "the three good events are applied");
        Assert.Equal(lifecycle[..3].Select(e => e.Identity()), host.Journal.Applied.Select(e => e.Identity()));
        var deadLetters = topic.ReadDeadLetters(2);
        Assert.Equal(2, deadLetters.Count);
        AssertDeadLetter(deadLetters[0], key, malformed, "malformed-json", positions[1]);
        AssertDeadLetter(deadLetters[1], key, unknownType, "unknown-type", positions[3]);
        Assert.Equal(2, host.Log.Count(2504));
        await Eventually.HoldsAsync(
            () => metrics["orders.kafka.records.dead_lettered"] == 2 && metrics["orders.kafka.records.applied"] == 3,
            "the metrics count two dead letters and three applied records");
        await Eventually.HoldsAsync(
            () => topic.Committed()[positions[0].Partition.Value] == positions[^1].Offset.Value + 1,
            "the partition is committed past the last record");
    }

    [Fact]
    public async Task A_restarted_host_resumes_from_the_committed_offsets_and_nothing_committed_is_unapplied()
    {
        var published = await topic.PublishAsync(
            Enumerable.Range(0, 4).SelectMany(step => Enumerable.Range(1, 200).Select(u => (u, step)))
                .Select(x => TestEvents.Lifecycle(x.u, OrderIdOf(x.u))[x.step]));

        var first = await KafkaBridgeHost.StartAsync(topic, journal => journal.FailAfter(300));
        await Eventually.HoldsAsync(() => first.Journal.Applied.Count >= 300 && first.Log.Count(2503) >= 4, "the first host stalls mid-stream");
        await first.DisposeAsync();

        var committed = topic.Committed();
        var belowCommitted = published.Where(p => p.Position.Offset.Value < committed[p.Position.Partition.Value]).ToList();
        Assert.InRange(belowCommitted.Count, 1, published.Count - 1);
        // A clean stop commits exactly what was applied: no record committed unapplied, none applied uncommitted.
        Assert.Equal(Identities(belowCommitted), first.Journal.Applied.Select(e => e.Identity()).ToHashSet());

        await using var second = await KafkaBridgeHost.StartAsync(topic);
        var rest = published.Except(belowCommitted).ToList();
        await Eventually.HoldsAsync(() => second.Journal.Applied.Count >= rest.Count, "the second host applies the rest");
        Assert.Equal(rest.Count, second.Journal.Applied.Count);
        Assert.Equal(Identities(rest), second.Journal.Applied.Select(e => e.Identity()).ToHashSet());
        await Eventually.HoldsAsync(() => CommittedEverything(published), "every offset is committed");
    }

    [Fact]
    public async Task Stopping_lets_the_record_in_flight_finish_commits_it_and_takes_no_further_record()
    {
        var lifecycle = TestEvents.Lifecycle(userId: 5);
        var published = await topic.PublishAsync(lifecycle);
        var inFlight = published[1];
        TaskCompletionSource hold = null!;
        var host = await KafkaBridgeHost.StartAsync(topic, journal => hold = journal.HoldAt(inFlight.Event));
        await Eventually.HoldsAsync(() => host.Journal.AttemptsAt(inFlight.Event) == 1, "the second event is in flight");

        var stopping = host.DisposeAsync().AsTask();
        await Eventually.HoldsAsync(() => host.Log.Count(2501) == 1, "the host stops taking records");
        Assert.False(stopping.IsCompleted, "the host waits for the record in flight");
        hold.SetResult();
        await stopping;

        Assert.Equal(lifecycle[..2].Select(e => e.Identity()), host.Journal.Applied.Select(e => e.Identity()));
        Assert.Equal(inFlight.Position.Offset.Value + 1, topic.Committed()[inFlight.Position.Partition.Value]);
    }

    [Fact]
    public async Task Two_hosts_in_one_group_share_the_partitions_and_every_record_is_applied()
    {
        var warmUp = await topic.PublishAsync(Enumerable.Range(1, 10).SelectMany(u => TestEvents.Lifecycle(u)));
        await using var first = await KafkaBridgeHost.StartAsync(topic);
        await using var second = await KafkaBridgeHost.StartAsync(topic);
        await Eventually.HoldsAsync(
            () =>
            {
                var (a, b) = (first.Log.AssignedPartitions(), second.Log.AssignedPartitions());
                return a.Count > 0 && b.Count > 0 && a.Count + b.Count == 4 && !a.Overlaps(b);
            },
            "the two hosts hold two partitions each");

        var published = await topic.PublishAsync(Enumerable.Range(11, 100).SelectMany(u => TestEvents.Lifecycle(u)));

        await Eventually.HoldsAsync(
            () => warmUp.Concat(published).All(p => Applied(first, p.Event) || Applied(second, p.Event)),
            "every record is applied by one of the hosts");
        foreach (var host in new[] { first, second })
        {
            var held = host.Log.AssignedPartitions();
            var mine = published.Where(p => held.Contains(p.Position.Partition.Value)).ToList();
            Assert.NotEmpty(mine);
            Assert.Equal(Identities(mine), host.Journal.Applied.Where(e => e.UserId > 10).Select(e => e.Identity()).ToHashSet());
        }

        await Eventually.HoldsAsync(() => CommittedEverything(warmUp.Concat(published)), "every offset is committed");
    }

    public void Dispose() => topic.Dispose();

    private static Guid OrderIdOf(int userId) => new(userId, 0, 0, new byte[8]);

    private static HashSet<(Guid OrderId, int Sequence)> Identities(IEnumerable<(IOrderEvent Event, TopicPartitionOffset Position)> records) =>
        records.Select(p => p.Event.Identity()).ToHashSet();

    private static bool Applied(KafkaBridgeHost host, IOrderEvent orderEvent) =>
        host.Journal.Applied.Any(e => e.Identity() == orderEvent.Identity());

    private bool CommittedEverything(IEnumerable<(IOrderEvent Event, TopicPartitionOffset Position)> published)
    {
        var committed = topic.Committed();
        return published.GroupBy(p => p.Position.Partition.Value)
            .All(g => committed[g.Key] == g.Max(p => p.Position.Offset.Value) + 1);
    }

    private void AssertDeadLetter(ConsumeResult<byte[], byte[]> deadLetter, byte[] key, byte[] value, string reason, TopicPartitionOffset original)
    {
        string Header(string name) => Encoding.UTF8.GetString(deadLetter.Message.Headers.GetLastBytes(name));

        Assert.Equal(key, deadLetter.Message.Key);
        Assert.Equal(value, deadLetter.Message.Value);
        Assert.Equal(reason, Header("dlq-reason"));
        Assert.NotEmpty(Header("dlq-error"));
        Assert.Equal(topic.Name, Header("dlq-original-topic"));
        Assert.Equal(original.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Header("dlq-original-partition"));
        Assert.Equal(original.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Header("dlq-original-offset"));
        Assert.Equal(topic.GroupId, Header("dlq-consumer-group"));
    }
}
