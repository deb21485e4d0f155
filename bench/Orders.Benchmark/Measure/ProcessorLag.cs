using Confluent.Kafka;

namespace Orders.Benchmark.Measure;

/// <summary>
/// The processor's lag: for each partition of the topic, the high watermark minus the offset group
/// <c>orders-processor</c> committed. The processor commits applied offsets every <c>Kafka:CommitInterval</c> (1 s by
/// default), so this reads high by up to that much work. This client never joins the group: it only reads offsets.
/// </summary>
internal sealed class ProcessorLag : IDisposable
{
    public const string Topic = "microshop.order-outbox";
    public const string GroupId = "orders-processor";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly IConsumer<Ignore, Ignore> consumer;
    private readonly IAdminClient admin;
    private List<TopicPartition> partitions = [];

    public ProcessorLag(string bootstrapServers)
    {
        consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = GroupId,
            EnableAutoCommit = false,
            AllowAutoCreateTopics = false,
        }).SetLogHandler((_, _) => { }).Build();
        admin = new DependentAdminClientBuilder(consumer.Handle).Build();
    }

    /// <summary>Events published but not yet committed by the processor; 0 before the topic exists.</summary>
    public long Measure()
    {
        if (partitions.Count == 0)
        {
            var topic = admin.GetMetadata(Topic, Timeout).Topics.SingleOrDefault(t => t.Topic == Topic && t.Error.Code == ErrorCode.NoError);
            if (topic is null || topic.Partitions.Count == 0)
            {
                return 0;
            }

            partitions = topic.Partitions.Select(p => new TopicPartition(Topic, p.PartitionId)).ToList();
        }

        var committed = consumer.Committed(partitions, Timeout).ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
        var lag = 0L;
        foreach (var partition in partitions)
        {
            var high = consumer.QueryWatermarkOffsets(partition, Timeout).High.Value;
            var done = committed.TryGetValue(partition.Partition.Value, out var offset) && offset >= 0 ? offset : 0;
            lag += Math.Max(0, high - done);
        }

        return lag;
    }

    /// <summary>Records in the topic: everything the relay has published.</summary>
    public long Published()
    {
        Measure();
        return partitions.Sum(p => consumer.QueryWatermarkOffsets(p, Timeout).High.Value);
    }

    public void Dispose()
    {
        admin.Dispose();
        consumer.Dispose();
    }
}
