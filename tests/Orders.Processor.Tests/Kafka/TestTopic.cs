using Confluent.Kafka;
using Orders.Contracts;

namespace Orders.Processor.Tests.Kafka;

/// <summary>A fresh outbox topic, dead-letter topic and consumer group on the stand-in, for one test.</summary>
public sealed class TestTopic : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly IProducer<byte[], byte[]> producer;
    private long nextId;

    public TestTopic(string bootstrapServers)
    {
        BootstrapServers = bootstrapServers;
        var suffix = Guid.NewGuid().ToString("N")[..12];
        Name = "order-outbox-" + suffix;
        DeadLetterName = Name + ".dlq";
        GroupId = "orders-processor-" + suffix;
        producer = ConnectorProducer.Create(bootstrapServers);
    }

    public string BootstrapServers { get; }

    public string Name { get; }

    public string DeadLetterName { get; }

    public string GroupId { get; }

    public static IEnumerable<TopicPartition> Partitions(string topic) =>
        Enumerable.Range(0, 4).Select(p => new TopicPartition(topic, p));

    public async Task<TopicPartitionOffset> ProduceAsync(byte[] key, byte[] value) =>
        (await producer.ProduceAsync(Name, new Message<byte[], byte[]> { Key = key, Value = value })).TopicPartitionOffset;

    /// <summary>Publishes the events as connector records (query mode, plain key; or table mode, struct key) in order.</summary>
    public async Task<IReadOnlyList<(IOrderEvent Event, TopicPartitionOffset Position)>> PublishAsync(
        IEnumerable<IOrderEvent> events, bool tableMode = false)
    {
        var sends = events.Select(e =>
        {
            var id = Interlocked.Increment(ref nextId);
            var message = tableMode
                ? new Message<byte[], byte[]> { Key = OutboxRecordBytes.StructKey(e.UserId), Value = OutboxRecordBytes.TableMode(id, e) }
                : new Message<byte[], byte[]> { Key = OutboxRecordBytes.PlainKey(e.UserId), Value = OutboxRecordBytes.QueryMode(id, e, 1000 + id) };
            return (Event: e, Delivery: producer.ProduceAsync(Name, message));
        }).ToList();
        await Task.WhenAll(sends.Select(s => s.Delivery));
        return [.. sends.Select(s => (s.Event, s.Delivery.Result.TopicPartitionOffset))];
    }

    /// <summary>The group's committed offset per partition (negative when none), read without joining the group.</summary>
    public IReadOnlyDictionary<int, long> Committed()
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = GroupId,
            EnableAutoCommit = false,
        }).Build();
        return consumer.Committed(Partitions(Name), Timeout).ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
    }

    /// <summary>Reads the dead-letter topic from the start until <paramref name="count"/> records arrived.</summary>
    public IReadOnlyList<ConsumeResult<byte[], byte[]>> ReadDeadLetters(int count)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = GroupId + "-inspector",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Partitions(DeadLetterName).Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + Timeout;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    public void Dispose() => producer.Dispose();
}
