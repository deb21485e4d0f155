using System.Collections.Concurrent;
using System.Text.Json;
using Confluent.Kafka;

namespace Orders.FaultInjection;

/// <summary>Reads the outbox topic from the beginning on a thread of its own and counts each outbox row id it sees.</summary>
internal sealed class TopicReader : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]> consumer;
    private readonly ConcurrentDictionary<long, int> seen = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;
    private int records;

    public TopicReader(string bootstrapServers, string topic, int partitions)
    {
        consumer = new ConsumerBuilder<byte[]?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "fault-injection-reader",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 5,
        }).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        thread = new Thread(Run) { IsBackground = true, Name = "topic-reader" };
        thread.Start();
    }

    /// <summary>Records read, repeats included.</summary>
    public int Records => Volatile.Read(ref records);

    /// <summary>The distinct outbox row ids on the topic.</summary>
    public IReadOnlySet<long> Ids => seen.Keys.ToHashSet();

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
            try
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: not null } result)
                {
                    seen.AddOrUpdate(IdOf(result.Message.Value), 1, (_, n) => n + 1);
                    Interlocked.Increment(ref records);
                }
            }
            catch (ConsumeException)
            {
                // Broker faults reach this reader too; it keeps its position and reads on.
            }
        }
    }

    /// <summary>The <c>id</c> column from the connector's envelope: <c>{"schema":...,"payload":{"id":...}}</c>.</summary>
    private static long IdOf(byte[] value)
    {
        using var envelope = JsonDocument.Parse(value);
        return envelope.RootElement.GetProperty("payload").GetProperty("id").GetInt64();
    }
}
