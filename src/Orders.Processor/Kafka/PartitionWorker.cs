using Confluent.Kafka;

namespace Orders.Processor.Kafka;

/// <summary>
/// Runs one assigned partition: takes batches from its <see cref="PartitionBuffer"/>, has <see cref="PartitionApplier"/>
/// apply them, and publishes how far it got. Nothing ends it but <see cref="StopAsync"/>: a failure outside a record's
/// apply is logged, counted and shown in <see cref="PartitionWorkerHealth"/>, and the unapplied records are tried again
/// after a pause. The consume loop owns the Kafka consumer; this only reads what the loop hands over, so partitions
/// proceed in parallel.
/// </summary>
internal sealed class PartitionWorker : IDisposable
{
    private readonly PartitionBuffer buffer;
    private readonly PartitionStopSignal stop = new();
    private readonly PartitionWorkerContext context;
    private readonly RecordRetryPolicy retry;
    private readonly PartitionApplier applier;
    private readonly Task running;
    private long completedOffset = Offset.Unset.Value;

    public PartitionWorker(TopicPartition partition, PartitionWorkerContext context)
    {
        Partition = partition;
        this.context = context;
        buffer = new PartitionBuffer(context.Options.PartitionBufferSize);
        retry = new RecordRetryPolicy(context.Options, context.Metrics);
        var deadLetters = new DeadLetterWriter(context.Options, context.DeadLetterProducer, retry, context.Metrics, context.Logger);
        applier = new PartitionApplier(context, retry, deadLetters, Complete);
        context.Health.Running(partition.Partition.Value);
        running = Task.Run(RunAsync);
    }

    public TopicPartition Partition { get; }

    /// <summary>The worker ended on an unexpected error: it applies nothing more until the partition is reassigned.</summary>
    public bool Faulted => running.IsFaulted;

    /// <summary>The offset after the last applied record: what may be committed. Unset before the first.</summary>
    public long CompletedOffset => Interlocked.Read(ref completedOffset);

    /// <summary>The offset last committed for this partition by this consumer. Loop thread only.</summary>
    public long CommittedOffset { get; set; } = Offset.Unset.Value;

    /// <inheritdoc cref="PartitionBuffer.Enqueue"/>
    public bool Enqueue(ConsumeResult<byte[], byte[]> record) => buffer.Enqueue(record);

    /// <inheritdoc cref="PartitionBuffer.DrainOverflow"/>
    public bool DrainOverflow() => buffer.DrainOverflow();

    /// <summary>
    /// Takes no further record and cuts a retry wait short; the transaction in flight may finish (committing what it
    /// sent so far) within <see cref="KafkaOptions.StopTimeout"/>, then it is cancelled and left unapplied. Returns when
    /// the worker is idle, so <see cref="CompletedOffset"/> is final. Never throws.
    /// </summary>
    public Task StopAsync()
    {
        // Synchronous, so the worker takes nothing more from the moment this returns; the task is its last record.
        stop.Stop(context.Options.StopTimeout);
        buffer.Complete();
        return running;
    }

    public void Dispose() => stop.Dispose();

    private async Task RunAsync()
    {
        var records = new List<ConsumeResult<byte[], byte[]>>();
        try
        {
            while (await buffer.TakeBatchAsync(records, context.Options.MaxBatchSize, stop.Stopping))
            {
                await ApplyUntilDoneAsync(records);
                records.Clear();
            }
        }
        catch (Exception) when (stop.IsStopping)
        {
            // Stopped between records, during a retry or with a transaction cut short: whatever was not applied stays
            // uncommitted and is redelivered to whoever owns the partition next.
        }
    }

    private async Task ApplyUntilDoneAsync(List<ConsumeResult<byte[], byte[]>> records)
    {
        for (var faults = 1; ; faults++)
        {
            try
            {
                await applier.ApplyAsync(records, stop);
                if (faults > 1)
                {
                    context.Health.Running(Partition.Partition.Value);
                }

                return;
            }
            catch (Exception exception) when (!stop.IsStopping)
            {
                // Whatever was completed stays completed; the rest is tried again, in order, after a pause.
                var done = CompletedOffset;
                records.RemoveAll(r => r.Offset.Value < done);
                var offset = records.Count > 0 ? records[0].Offset.Value : done;
                var delay = retry.Backoff(faults);
                KafkaLog.WorkerFaulted(context.Logger, Partition.Topic, Partition.Partition.Value, offset, faults, delay, exception);
                context.Metrics.RecordWorkerFault();
                context.Health.Faulted(Partition.Partition.Value, offset, faults, exception);
                await Task.Delay(delay, stop.Stopping);
            }
        }
    }

    private void Complete(ConsumeResult<byte[], byte[]> record) => Interlocked.Exchange(ref completedOffset, record.Offset.Value + 1);
}
