using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Orders.Operations.Kafka;

/// <summary>
/// Reads what operators look at in Kafka: records of a topic up to its end, and the processor group's position per
/// partition. Never joins or commits for a group, so it cannot take partitions from the processor.
/// </summary>
public sealed class KafkaTopics(IOptions<OperationsKafkaOptions> options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly OperationsKafkaOptions settings = options.Value;

    /// <summary>The topic's partitions; none when it does not exist yet.</summary>
    public IReadOnlyList<int> Partitions(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = settings.BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, Timeout);
        return [.. metadata.Topics.Where(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError)
            .SelectMany(t => t.Partitions).Select(p => p.PartitionId).Order()];
    }

    /// <summary>Every partition's records up to its current end, or only its newest <paramref name="lastPerPartition"/>.</summary>
    public IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> ReadToEnd(string topic, int? lastPerPartition, CancellationToken cancellationToken)
    {
        var partitions = Partitions(topic);
        if (partitions.Count == 0)
        {
            return [];
        }

        using var consumer = CreateConsumer("orders-operations-reader");
        var ends = new Dictionary<TopicPartition, long>();
        var starts = new List<TopicPartitionOffset>();
        foreach (var partition in partitions)
        {
            var topicPartition = new TopicPartition(topic, partition);
            var watermarks = consumer.QueryWatermarkOffsets(topicPartition, Timeout);
            if (watermarks.High.Value <= watermarks.Low.Value)
            {
                continue;
            }

            var start = lastPerPartition is { } last ? Math.Max(watermarks.Low.Value, watermarks.High.Value - last) : watermarks.Low.Value;
            ends[topicPartition] = watermarks.High.Value;
            starts.Add(new TopicPartitionOffset(topicPartition, start));
        }

        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        if (starts.Count == 0)
        {
            return records;
        }

        consumer.Assign(starts);
        // However long the topic, reading gives up only when no record came for a while.
        var lastProgress = DateTime.UtcNow;
        while (ends.Count > 0 && DateTime.UtcNow - lastProgress < Timeout + Timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null || record.IsPartitionEOF)
            {
                continue;
            }

            lastProgress = DateTime.UtcNow;
            records.Add(record);
            if (record.Offset.Value + 1 >= ends[record.TopicPartition])
            {
                ends.Remove(record.TopicPartition);
            }
        }

        if (ends.Count > 0)
        {
            throw new TimeoutException($"Reading {topic} stalled before its end ({ends.Count} partitions unfinished).");
        }

        return records;
    }

    /// <summary>The processor group's committed offset and the end of each partition of the outbox topic.</summary>
    public IReadOnlyList<PartitionLag> ConsumerLag()
    {
        var partitions = Partitions(settings.Topic).Select(p => new TopicPartition(settings.Topic, p)).ToList();
        if (partitions.Count == 0)
        {
            return [];
        }

        // A consumer that never subscribes only reads the group's committed offsets; it does not join the group.
        using var consumer = CreateConsumer(settings.GroupId);
        var committed = consumer.Committed(partitions, Timeout).ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
        return [.. partitions.Select(p =>
        {
            var end = consumer.QueryWatermarkOffsets(p, Timeout).High.Value;
            long? position = committed.TryGetValue(p.Partition.Value, out var offset) && offset >= 0 ? offset : null;
            return new PartitionLag(p.Partition.Value, position, end);
        })];
    }

    private IConsumer<byte[]?, byte[]?> CreateConsumer(string groupId) =>
        new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = settings.BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
}
