using System.Collections.Concurrent;
using System.Diagnostics;
using Confluent.Kafka;
using Orders.Testing;

namespace Orders.Relay.Tests.Support;

/// <summary>Reads every partition of a topic from the beginning on a background thread, keeping each record.</summary>
internal sealed class TopicCollector : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]> consumer;
    private readonly ConcurrentQueue<ReceivedRecord> records = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;

    private TopicCollector(IConsumer<byte[]?, byte[]> consumer, int partitionCount)
    {
        this.consumer = consumer;
        PartitionCount = partitionCount;
        thread = new Thread(Run) { IsBackground = true };
        thread.Start();
    }

    public int PartitionCount { get; }

    public IReadOnlyList<ReceivedRecord> Records => [.. records];

    public int Count => records.Count;

    /// <summary>Creates the topic on the stand-in (auto-created on first metadata request) and starts reading it.</summary>
    public static TopicCollector Start(string bootstrapServers, string topic)
    {
        var producerConfig = new ProducerConfig { BootstrapServers = bootstrapServers };
        using (var producer = new ProducerBuilder<Null, Null>(producerConfig).SetLogHandler((_, _) => { }).Build())
        using (var admin = new DependentAdminClientBuilder(producer.Handle).Build())
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(5));
                var partitions = metadata.Topics.Single().Partitions;
                if (partitions.Count > 0)
                {
                    var consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
                    {
                        BootstrapServers = bootstrapServers,
                        GroupId = "relay-tests-" + Guid.NewGuid().ToString("N"),
                        EnableAutoCommit = false,
                        FetchWaitMaxMs = 5,
                        IsolationLevel = IsolationLevel.ReadUncommitted,
                    }).SetLogHandler((_, _) => { }).Build();
                    consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
                    return new TopicCollector(consumer, partitions.Count);
                }

                if (deadline.Elapsed > TimeSpan.FromSeconds(20))
                {
                    throw new TimeoutException($"Topic {topic} was not created.");
                }
            }
        }
    }

    public Task WaitForCountAsync(int count, TimeSpan timeout) =>
        Eventually.HoldsAsync(() => Task.FromResult(Count), have => have >= count, $"{count} records arrived", timeout);

    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        consumer.Close();
        consumer.Dispose();
        stop.Dispose();
    }

    private void Run()
    {
        while (!stop.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(20));
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                records.Enqueue(new ReceivedRecord(
                    result.Partition.Value,
                    result.Offset.Value,
                    result.Message.Key,
                    result.Message.Value,
                    [.. (result.Message.Headers ?? []).Select(h => new KeyValuePair<string, byte[]?>(h.Key, h.GetValueBytes()))],
                    Stopwatch.GetTimestamp()));
            }
        }
    }
}
