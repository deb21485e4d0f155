using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Orders.Operations.Kafka;

namespace Orders.Operations.Repairs;

/// <summary>
/// Sends a dead-lettered record back to the topic it was read from, with its original key, value and headers (the
/// <c>dlq-*</c> headers dropped), for after its cause was fixed. Replaying is safe to repeat: the processor applies
/// an order event at most once whatever arrives twice.
/// </summary>
public sealed class DeadLetterReplay(
    IProducer<byte[], byte[]> producer, IOptions<OperationsKafkaOptions> options, ILogger<DeadLetterReplay> logger)
{
    public const string ReplayedFromHeader = "orders-replayed-from";

    public async Task<RepairResult> ReplayAsync(int partition, long offset, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var record = await Task.Run(() => Read(settings, partition, offset, cancellationToken), cancellationToken);
        if (record is null)
        {
            return RepairResult.Refused($"Nothing changed: {settings.DeadLetterTopic} has no record at {partition}@{offset}.");
        }

        var headers = new Headers();
        foreach (var header in record.Message.Headers ?? [])
        {
            if (!header.Key.StartsWith("dlq-", StringComparison.Ordinal))
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        headers.Add(ReplayedFromHeader, Encoding.UTF8.GetBytes($"{settings.DeadLetterTopic}:{partition}@{offset}"));
        var topic = record.Message.Headers is { } original && original.TryGetLastBytes("dlq-original-topic", out var bytes)
            ? Encoding.UTF8.GetString(bytes)
            : settings.Topic;
        await producer.ProduceAsync(
            topic,
            new Message<byte[], byte[]> { Key = record.Message.Key!, Value = record.Message.Value!, Headers = headers },
            cancellationToken);
        Log.DeadLetterReplayed(logger, partition, offset, topic);
        return RepairResult.Done($"Replayed {partition}@{offset} to {topic}.");
    }

    private static ConsumeResult<byte[]?, byte[]?>? Read(OperationsKafkaOptions settings, int partition, long offset, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = settings.BootstrapServers,
            GroupId = "orders-operations-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(settings.DeadLetterTopic, partition, offset));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null)
            {
                continue;
            }

            return record.IsPartitionEOF || record.Offset.Value != offset ? null : record;
        }

        return null;
    }
}
