using System.Diagnostics;
using Confluent.Kafka;
using MassTransit.Mediator;
using Microsoft.Extensions.Options;
using Orders.Processor.Health;
using Orders.Processor.SagaRepository;

namespace Orders.Processor.Kafka;

/// <summary>
/// Consumes the outbox topic and sends each order event through MassTransit's mediator into the saga, a partition's
/// waiting records in one <see cref="ISagaTransactions"/> batch, committing a partition's offset only past records
/// whose transaction committed. One loop thread talks to Kafka; each assigned
/// partition has a <see cref="PartitionWorker"/>, so partitions run in parallel and each stays in order.
/// </summary>
public sealed class OrderEventsConsumer(
    IMediator mediator,
    ISagaTransactions transactions,
    KafkaConsumerMetrics metrics,
    PartitionWorkerHealth health,
    ConsumerHealth consumerHealth,
    IOptions<KafkaOptions> options,
    ILogger<OrderEventsConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);
    private readonly KafkaOptions settings = options.Value;
    // Touched only by the loop thread, which also runs librdkafka's rebalance callbacks.
    private readonly Dictionary<int, PartitionWorker> workers = [];
    private readonly HashSet<int> paused = [];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Consume blocks, so the loop gets a thread of its own rather than a pool thread.
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.DeadLetterProducer(settings))
            .SetErrorHandler((_, error) => KafkaLog.ClientError(logger, error.Code.ToString(), error.Reason))
            .Build();
        var context = new PartitionWorkerContext(settings, mediator, transactions, producer, metrics, health, logger);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(settings))
            .SetErrorHandler((_, error) => KafkaLog.ClientError(logger, error.Code.ToString(), error.Reason))
            .SetPartitionsAssignedHandler((_, partitions) => Assign(partitions, context))
            .SetPartitionsRevokedHandler((c, partitions) => Release(c, partitions.Select(p => p.TopicPartition), lost: false))
            .SetPartitionsLostHandler((c, partitions) => Release(c, partitions.Select(p => p.TopicPartition), lost: true))
            .Build();

        consumer.Subscribe(settings.Topic);
        try
        {
            var lastCommit = Stopwatch.GetTimestamp();
            while (!stoppingToken.IsCancellationRequested)
            {
                Poll(consumer);
                ResumeDrained(consumer);
                if (Stopwatch.GetElapsedTime(lastCommit) >= settings.CommitInterval)
                {
                    Commit(consumer, workers.Values);
                    lastCommit = Stopwatch.GetTimestamp();
                }
            }
        }
        finally
        {
            // Close runs the revoked callback (finish in-flight records, commit them) and then leaves the group, so the
            // partitions move to another instance without waiting for the session to time out.
            consumer.Close();
        }
    }

    private void Poll(IConsumer<byte[], byte[]> consumer)
    {
        ConsumeResult<byte[], byte[]>? record;
        try
        {
            record = consumer.Consume(PollTimeout);
        }
        catch (ConsumeException exception) when (!exception.Error.IsFatal)
        {
            KafkaLog.ClientError(logger, exception.Error.Code.ToString(), exception.Error.Reason);
            return;
        }

        if (record is not null && !workers[record.Partition.Value].Enqueue(record) && paused.Add(record.Partition.Value))
        {
            consumer.Pause([record.TopicPartition]);
        }
    }

    private void ResumeDrained(IConsumer<byte[], byte[]> consumer)
    {
        if (paused.Count == 0)
        {
            return;
        }

        foreach (var partition in paused.ToList())
        {
            if (workers[partition].DrainOverflow())
            {
                consumer.Resume([workers[partition].Partition]);
                paused.Remove(partition);
            }
        }
    }

    private void Assign(List<TopicPartition> partitions, PartitionWorkerContext context)
    {
        foreach (var partition in partitions)
        {
            workers[partition.Partition.Value] = new PartitionWorker(partition, context);
        }

        KafkaLog.PartitionsAssigned(logger, settings.Topic, Describe(partitions));
    }

    private void Release(IConsumer<byte[], byte[]> consumer, IEnumerable<TopicPartition> partitions, bool lost)
    {
        var released = partitions
            .Select(p => workers.GetValueOrDefault(p.Partition.Value))
            .OfType<PartitionWorker>()
            .ToList();
        var stopped = Task.WhenAll(released.Select(w => w.StopAsync()));
        var described = Describe(released.Select(w => w.Partition));
        if (lost)
        {
            KafkaLog.PartitionsLost(logger, settings.Topic, described);
        }
        else
        {
            KafkaLog.PartitionsRevoked(logger, settings.Topic, described);
        }

        // Blocking is right here: librdkafka completes the rebalance when this callback returns, and no other owner may
        // start on these partitions before their in-flight records are done.
        stopped.GetAwaiter().GetResult();
        if (!lost)
        {
            // Lost partitions are not committed: the group has moved on, a commit would be refused, and the new owner
            // redelivers what was not committed.
            Commit(consumer, released);
        }

        // The pause only guarded this worker's backlog, which is dropped; librdkafka may keep an application pause
        // across reassignment, and the partition must not come back paused.
        var pausedReleased = released.Where(w => paused.Contains(w.Partition.Partition.Value)).Select(w => w.Partition).ToList();
        if (pausedReleased.Count > 0)
        {
            consumer.Resume(pausedReleased);
        }

        foreach (var worker in released)
        {
            health.Released(worker.Partition.Partition.Value);
            worker.Dispose();
            workers.Remove(worker.Partition.Partition.Value);
            paused.Remove(worker.Partition.Partition.Value);
        }
    }

    private void Commit(IConsumer<byte[], byte[]> consumer, IEnumerable<PartitionWorker> candidates)
    {
        var ready = candidates.Where(w => w.CompletedOffset > w.CommittedOffset).ToList();
        var offsets = ready.Select(w => new TopicPartitionOffset(w.Partition, w.CompletedOffset)).ToList();
        if (offsets.Count > 0)
        {
            try
            {
                consumer.Commit(offsets);
                foreach (var (worker, offset) in ready.Zip(offsets))
                {
                    worker.CommittedOffset = offset.Offset.Value;
                }

                KafkaLog.Committed(logger, string.Join(',', offsets.Select(o => $"{o.Partition.Value}@{o.Offset.Value}")));
            }
            catch (KafkaException exception)
            {
                KafkaLog.CommitFailed(logger, string.Join(',', offsets.Select(o => $"{o.Partition.Value}@{o.Offset.Value}")), exception);
            }
        }

        metrics.SetLag([.. workers.Values.Select(w => new PartitionLag(w.Partition.Partition.Value, Lag(consumer, w)))]);
        consumerHealth.Report(workers.Count, [.. workers.Values.Where(w => w.Faulted).Select(w => w.Partition.Partition.Value)]);
    }

    private static long Lag(IConsumer<byte[], byte[]> consumer, PartitionWorker worker)
    {
        // The cached high watermark from the last fetch: no broker round trip.
        var high = consumer.GetWatermarkOffsets(worker.Partition).High.Value;
        var done = worker.CompletedOffset;
        return high >= 0 && done >= 0 ? Math.Max(0, high - done) : 0;
    }

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(',', partitions.Select(p => p.Partition.Value).Order());
}
