using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orders.Processor.Kafka;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Kafka;

/// <summary>No silent stall: whatever a worker meets, its partition keeps moving or says why it does not.</summary>
[Collection(KafkaCollectionDefinition.Name)]
public sealed class PartitionWorkerFaultTests(KafkaFixture kafka) : IDisposable
{
    private readonly TestTopic topic = new(kafka.BootstrapServers);

    [Fact]
    public async Task An_unexpected_exception_in_the_saga_is_dead_lettered_after_the_bounded_attempts_and_the_partition_goes_on()
    {
        const long userId = 11;
        var lifecycle = TestEvents.Lifecycle(userId);
        var behind = TestEvents.Lifecycle(userId);
        var published = await topic.PublishAsync([.. lifecycle, .. behind]);
        var crashing = published[1];

        await using var host = await KafkaBridgeHost.StartAsync(
            topic,
            journal => journal.FailAlways(crashing.Event, new InvalidOperationException("A bug in the saga.")),
            settings => settings["Kafka:MaxAttempts"] = "3");
        using var metrics = new MeterTotals(host.Services.GetRequiredService<IMeterFactory>());

        var rest = published.Where(p => p != crashing).ToList();
        await Eventually.HoldsAsync(
            () => rest.All(p => host.Journal.Applied.Any(e => e.Identity() == p.Event.Identity())),
            "every other record of the partition is applied");
        Assert.DoesNotContain(host.Journal.Applied, e => e.Identity() == crashing.Event.Identity());
        var deadLetter = Assert.Single(topic.ReadDeadLetters(1));
        Assert.Equal("apply-failed", Encoding.UTF8.GetString(deadLetter.Message.Headers.GetLastBytes("dlq-reason")));
        Assert.Equal("InvalidOperationException: A bug in the saga.", Encoding.UTF8.GetString(deadLetter.Message.Headers.GetLastBytes("dlq-error")));
        Assert.Equal(crashing.Position.Offset.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Encoding.UTF8.GetString(deadLetter.Message.Headers.GetLastBytes("dlq-original-offset")));
        // Applied alone: attempts 1 and 2 are retried (2503), the third gives up.
        Assert.Equal(2, host.Log.Count(2503));
        Assert.Equal(1, host.Log.Count(2504));
        await Eventually.HoldsAsync(() => metrics["orders.kafka.records.dead_lettered"] == 1, "the dead letter is counted");
        Assert.True(host.Services.GetRequiredService<PartitionWorkerHealth>().AllRunning, "the partition runs on");
        await Eventually.HoldsAsync(
            () => topic.Committed()[crashing.Position.Partition.Value] == published[^1].Position.Offset.Value + 1,
            "the partition is committed past the last record");
    }

    public void Dispose() => topic.Dispose();
}
