using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Confluent.Kafka;
using Orders.Contracts;
using Orders.ServiceDefaults.Telemetry;

namespace Orders.Processor.Kafka;

/// <summary>
/// Applies one assigned partition's records strictly in offset order, the records waiting in its queue in one saga
/// transaction, and publishes how far it got. The consume loop owns the Kafka consumer; this only reads what the loop
/// hands over, so partitions proceed in parallel.
/// </summary>
internal sealed class PartitionWorker : IDisposable
{
    private readonly Channel<ConsumeResult<byte[], byte[]>> queue;
    // Records that did not fit into the queue; the loop pauses the partition until they are in. Loop thread only.
    private readonly Queue<ConsumeResult<byte[], byte[]>> overflow = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly PartitionWorkerContext context;
    private readonly Task running;
    private long completedOffset = Offset.Unset.Value;

    public PartitionWorker(TopicPartition partition, PartitionWorkerContext context)
    {
        Partition = partition;
        this.context = context;
        queue = Channel.CreateBounded<ConsumeResult<byte[], byte[]>>(
            new BoundedChannelOptions(context.Options.PartitionBufferSize) { SingleReader = true, SingleWriter = true });
        running = Task.Run(RunAsync);
    }

    public TopicPartition Partition { get; }

    /// <summary>The worker ended on an unexpected error: it applies nothing more until the partition is reassigned.</summary>
    public bool Faulted => running.IsFaulted;

    /// <summary>The offset after the last applied record: what may be committed. Unset before the first.</summary>
    public long CompletedOffset => Interlocked.Read(ref completedOffset);

    /// <summary>The offset last committed for this partition by this consumer. Loop thread only.</summary>
    public long CommittedOffset { get; set; } = Offset.Unset.Value;

    /// <summary>Hands a record over; false when the partition's buffer is full and the partition should be paused.</summary>
    public bool Enqueue(ConsumeResult<byte[], byte[]> record)
    {
        if (overflow.Count == 0 && queue.Writer.TryWrite(record))
        {
            return true;
        }

        overflow.Enqueue(record);
        return false;
    }

    /// <summary>Moves waiting records into the buffer; true when none wait any more and the partition may resume.</summary>
    public bool DrainOverflow()
    {
        while (overflow.TryPeek(out var record) && queue.Writer.TryWrite(record))
        {
            overflow.Dequeue();
        }

        return overflow.Count == 0;
    }

    /// <summary>
    /// Takes no further record, lets the one in flight finish (its batch commits what was sent so far; a retry wait is
    /// cut short and the record left unapplied) and returns when the worker is idle, so <see cref="CompletedOffset"/>
    /// is final.
    /// </summary>
    public Task StopAsync()
    {
        // Synchronous, so the worker takes nothing more from the moment this returns; the task is its last record.
        stopping.Cancel();
        queue.Writer.TryComplete();
        return running;
    }

    public void Dispose() => stopping.Dispose();

    private async Task RunAsync()
    {
        var records = new List<ConsumeResult<byte[], byte[]>>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(stopping.Token))
            {
                // Only what is already waiting, never a wait for more: at low load a batch is one record and adds no
                // latency; under a backlog it is up to MaxBatchSize records with one commit.
                while (records.Count < context.Options.MaxBatchSize && queue.Reader.TryRead(out var record))
                {
                    records.Add(record);
                }

                await ApplyAsync(records);
                records.Clear();
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Stopped between records or during a retry: whatever was not applied stays uncommitted and is redelivered
            // to whoever owns the partition next.
        }
    }

    /// <summary>
    /// Applies the records in offset order: each run of decodable records in one saga transaction, each poison record
    /// dead-lettered where it stands. Returns early, with the rest unapplied, once the worker is stopping.
    /// </summary>
    private async Task ApplyAsync(List<ConsumeResult<byte[], byte[]>> records)
    {
        var run = new List<DecodedRecord>(records.Count);
        foreach (var record in records)
        {
            OutboxRecord decoded;
            try
            {
                decoded = OutboxRecordDecoder.Decode(record.Message.Key, record.Message.Value);
            }
            catch (PoisonRecordException poison)
            {
                // The poison record splits the batch: what is before it must be applied before its offset is passed.
                if (!await ApplyRunAsync(run) || stopping.IsCancellationRequested)
                {
                    return;
                }

                run.Clear();
                await DeadLetterAsync(record, poison);
                Complete(record);
                continue;
            }

            run.Add(new DecodedRecord(record, decoded.Event, decoded.CreatedAt));
        }

        await ApplyRunAsync(run);
    }

    /// <summary>
    /// Applies the records in batches; when a batch rolls back, the records up to the one that failed are applied one
    /// at a time with retries, and batching resumes behind it. True when every record was applied.
    /// </summary>
    private async Task<bool> ApplyRunAsync(List<DecodedRecord> run)
    {
        var next = 0;
        while (next < run.Count)
        {
            if (stopping.IsCancellationRequested)
            {
                return false;
            }

            var pending = run.GetRange(next, run.Count - next);
            var (applied, failedAt) = await TryApplyInOneTransactionAsync(pending);
            if (failedAt is null)
            {
                next += applied;
                if (applied < pending.Count)
                {
                    return false;
                }

                continue;
            }

            for (var i = 0; i <= failedAt; i++)
            {
                if (stopping.IsCancellationRequested)
                {
                    return false;
                }

                await ApplyOneAsync(pending[i]);
                Complete(pending[i].Record);
            }

            next += failedAt.Value + 1;
        }

        return true;
    }

    /// <summary>
    /// Sends the records through the mediator inside one saga transaction and moves the completed offset only after it
    /// committed. Returns how many were applied (fewer than all only when stopping), or, when the transaction rolled
    /// back, the index of the record that failed (the last one if the commit failed): none of them is applied then.
    /// </summary>
    private async Task<(int Applied, int? FailedAt)> TryApplyInOneTransactionAsync(List<DecodedRecord> records)
    {
        var applied = 0;
        var spans = records.Select(StartApplySpan).ToList();
        if (spans.Count == 1)
        {
            // A transaction of one record (the usual case below saturation) belongs wholly to its trace, commit included.
            Activity.Current = spans[0];
        }

        try
        {
            // An order event's OrderId is its saga's correlation id.
            await context.Transactions.RunAsync(
                [.. records.Select(r => r.Event.OrderId)],
                async () =>
                {
                    // The body runs again if the execution strategy restarts the transaction.
                    applied = 0;
                    foreach (var record in records)
                    {
                        // Takes no further record once stopping; what was sent so far still commits.
                        if (stopping.IsCancellationRequested)
                        {
                            break;
                        }

                        // The saga's reads and writes for this record belong to the trace of the change that wrote it.
                        Activity.Current = spans[applied];
                        await context.Mediator.Send(record.Event, record.Event.GetType(), CancellationToken.None);
                        applied++;
                    }
                },
                CancellationToken.None);
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            var first = records[0].Record;
            KafkaLog.BatchRolledBack(context.Logger, first.Topic, first.Partition.Value, first.Offset.Value, records.Count, exception);
            context.Metrics.RecordBatchRolledBack();
            EndApplySpans(spans, exception);
            return (0, Math.Min(applied, records.Count - 1));
        }

        EndApplySpans(spans, null);
        if (applied > 0)
        {
            Complete(records[applied - 1].Record);
            context.Metrics.RecordBatch(applied);
            foreach (var record in records.Take(applied))
            {
                context.Metrics.RecordEndToEndAge(record.CreatedAt);
            }
        }

        return (applied, null);
    }

    private async Task ApplyOneAsync(DecodedRecord decoded)
    {
        var record = decoded.Record;
        using var span = StartApplySpan(decoded);
        Activity.Current = span;
        // Send runs the whole saga pipeline, database commit included, and throws if any of it failed. The attempt in
        // flight is not cancelled on stop: cutting it short would only turn a finished transaction into a redelivery.
        await RetryAsync(
            () => context.Mediator.Send(decoded.Event, decoded.Event.GetType(), CancellationToken.None),
            (attempt, delay, exception) => KafkaLog.ApplyFailed(
                context.Logger, record.Topic, record.Partition.Value, record.Offset.Value, attempt, delay, exception));
        context.Metrics.RecordApplied();
        context.Metrics.RecordEndToEndAge(decoded.CreatedAt);
    }

    /// <summary>
    /// The record's application as a span of the trace its outbox row carries (the <c>traceparent</c> header); not made
    /// current here, because a batch holds records of several traces. None for an untraced record.
    /// </summary>
    private static Activity? StartApplySpan(DecodedRecord decoded)
    {
        var headers = decoded.Record.Message.Headers;
        var parent = headers is not null && headers.TryGetLastBytes(TraceParent.HeaderName, out var bytes) && bytes is not null
            ? TraceParent.Parse(Encoding.UTF8.GetString(bytes))
            : default;
        if (parent == default)
        {
            return null;
        }

        var previous = Activity.Current;
        var span = OrdersProcessorMetrics.ActivitySource.StartActivity(
            "apply " + decoded.Event.GetType().Name, ActivityKind.Consumer, parent);
        Activity.Current = previous;
        span?.SetTag("messaging.system", "kafka");
        span?.SetTag("messaging.destination.partition.id", decoded.Record.Partition.Value);
        span?.SetTag("messaging.kafka.offset", decoded.Record.Offset.Value);
        span?.SetTag("orders.order_id", decoded.Event.OrderId);
        return span;
    }

    /// <summary>Ends the spans of a saga transaction once it committed or rolled back, so each covers the commit.</summary>
    private static void EndApplySpans(List<Activity?> spans, Exception? failure)
    {
        foreach (var span in spans.OfType<Activity>())
        {
            if (failure is not null)
            {
                span.SetStatus(ActivityStatusCode.Error, failure.Message);
            }

            span.Dispose();
        }
    }

    private void Complete(ConsumeResult<byte[], byte[]> record) => Interlocked.Exchange(ref completedOffset, record.Offset.Value + 1);

    private async Task DeadLetterAsync(ConsumeResult<byte[], byte[]> record, PoisonRecordException poison)
    {
        var headers = new Headers();
        foreach (var header in record.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add("dlq-reason", Encoding.UTF8.GetBytes(poison.Reason));
        headers.Add("dlq-error", Encoding.UTF8.GetBytes(poison.Message));
        headers.Add("dlq-original-topic", Encoding.UTF8.GetBytes(record.Topic));
        headers.Add("dlq-original-partition", Encoding.UTF8.GetBytes(record.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add("dlq-original-offset", Encoding.UTF8.GetBytes(record.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add("dlq-consumer-group", Encoding.UTF8.GetBytes(context.Options.GroupId));
        var message = new Message<byte[], byte[]>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Headers = headers,
            Timestamp = record.Message.Timestamp,
        };

        // The offset moves past the record only once the dead-letter copy is acknowledged by all in-sync replicas.
        await RetryAsync(
            () => context.DeadLetterProducer.ProduceAsync(context.Options.DeadLetterTopic, message),
            (attempt, delay, exception) => KafkaLog.DeadLetterFailed(
                context.Logger, record.Topic, record.Partition.Value, record.Offset.Value, attempt, delay, exception));
        context.Metrics.RecordDeadLettered(poison.Reason);
        KafkaLog.DeadLettered(
            context.Logger, record.Topic, record.Partition.Value, record.Offset.Value, context.Options.DeadLetterTopic,
            poison.Reason, poison.Message);
    }

    // Failures here are transient by definition (database or broker down, concurrency conflicts): the same record is
    // tried again, forever, because skipping it would apply the partition's later events out of order.
    private async Task RetryAsync(Func<Task> attempt, Action<int, TimeSpan, Exception> onFailure)
    {
        for (var attempts = 1; ; attempts++)
        {
            try
            {
                await attempt();
                return;
            }
            catch (Exception exception) when (!stopping.IsCancellationRequested)
            {
                var delay = Backoff(attempts);
                onFailure(attempts, delay, exception);
                context.Metrics.RecordRetry();
                await Task.Delay(delay, stopping.Token);
            }
        }
    }

    private sealed record DecodedRecord(ConsumeResult<byte[], byte[]> Record, IOrderEvent Event, DateTimeOffset CreatedAt);

    private TimeSpan Backoff(int attempts)
    {
        var options = context.Options;
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(options.RetryInitialDelay.Ticks * factor, options.RetryMaxDelay.Ticks));
    }
}
