using Confluent.Kafka;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>A fresh outbox topic and dead-letter topic on the stand-in, written to the way the connector writes.</summary>
internal sealed class PipelineTopic : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly IProducer<byte[], byte[]> producer;

    public PipelineTopic(string bootstrapServers)
    {
        BootstrapServers = bootstrapServers;
        Name = "order-outbox-" + Guid.NewGuid().ToString("N")[..12];
        DeadLetterName = Name + ".dlq";
        producer = ConnectorProducer.Create(bootstrapServers);
    }

    public string BootstrapServers { get; }

    public string Name { get; }

    public string DeadLetterName { get; }

    public static string NewGroupId() => "orders-processor-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Produces the records in the given order and returns where each landed.</summary>
    public async Task<IReadOnlyList<TopicPartitionOffset>> ProduceAsync(IEnumerable<ConnectorRecord> records)
    {
        // Started in order on one idempotent producer: records of one key keep their order on their partition.
        var deliveries = records
            .Select(r => producer.ProduceAsync(Name, new Message<byte[], byte[]> { Key = r.Key, Value = r.Value }))
            .ToList();
        return [.. (await Task.WhenAll(deliveries)).Select(d => d.TopicPartitionOffset)];
    }

    /// <summary>True when the group has committed past every given position.</summary>
    public bool CommittedPast(string groupId, IEnumerable<TopicPartitionOffset> positions)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
        }).Build();
        var committed = consumer.Committed(Enumerable.Range(0, 4).Select(p => new TopicPartition(Name, p)), Timeout)
            .ToDictionary(o => o.Partition.Value, o => o.Offset.Value);
        return positions.GroupBy(p => p.Partition.Value).All(g => committed[g.Key] > g.Max(p => p.Offset.Value));
    }

    /// <summary>Reads the dead-letter topic from the start until <paramref name="count"/> records arrived.</summary>
    public IReadOnlyList<ConsumeResult<byte[], byte[]>> ReadDeadLetters(int count)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = NewGroupId(),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset(DeadLetterName, p, Offset.Beginning)));
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
