using System.Diagnostics;
using Confluent.Kafka;
using Orders.Contracts;
using Orders.Processor.History;
using Orders.Processor.SagaRepository;

namespace Orders.Processor.Kafka;

/// <summary>
/// Applies one partition's records to the saga in offset order: each run of decodable records in shared saga
/// transactions, each record that can never be applied dead-lettered where it stands, and reports every record done
/// through <c>complete</c> only once its transaction committed (or its dead letter was acknowledged).
/// </summary>
internal sealed class PartitionApplier(
    PartitionWorkerContext context,
    RecordRetryPolicy retry,
    DeadLetterWriter deadLetters,
    Action<ConsumeResult<byte[], byte[]>> complete)
{
    /// <summary>Applies the records; throws, with the rest unapplied, once <paramref name="stop"/> is signalled.</summary>
    public async Task ApplyAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> records, PartitionStopSignal stop)
    {
        var run = new List<DecodedRecord>(records.Count);
        foreach (var record in records)
        {
            var (decoded, reason, error) = Decode(record);
            if (decoded is not null)
            {
                run.Add(new DecodedRecord(record, decoded.Event, decoded.CreatedAt));
                continue;
            }

            // The poison record splits the batch: what is before it must be applied before its offset is passed.
            await ApplyInTransactionsAsync(run, retryWhole: true, stop);
            run.Clear();
            await deadLetters.WriteAsync(record, reason!, error!, stop);
            complete(record);
        }

        await ApplyInTransactionsAsync(run, retryWhole: true, stop);
    }

    private static (OutboxRecord? Record, string? Reason, string? Error) Decode(ConsumeResult<byte[], byte[]> record)
    {
        try
        {
            return (OutboxRecordDecoder.Decode(record.Message.Key, record.Message.Value), null, null);
        }
        catch (PoisonRecordException poison)
        {
            return (null, poison.Reason, poison.Message);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Decoding is deterministic: a decoder bug would fail this record forever and stall the partition behind it.
            return (null, "decode-failed", $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    /// <summary>
    /// One transaction for the whole run if it commits. If it rolls back, the run is tried once more from fresh saga rows
    /// (a concurrency conflict with a timeout delivery passes then), then split in halves, so one record that keeps failing
    /// costs about two transactions per halving instead of one per record, and only it is applied alone.
    /// </summary>
    private async Task ApplyInTransactionsAsync(IReadOnlyList<DecodedRecord> run, bool retryWhole, PartitionStopSignal stop)
    {
        if (run.Count == 0)
        {
            return;
        }

        stop.Stopping.ThrowIfCancellationRequested();
        var failure = await TryInOneTransactionAsync(run, stop);
        if (failure is null)
        {
            return;
        }

        var first = run[0].Record;
        var next = run.Count == 1 ? "applying it alone with retries" : retryWhole ? "retrying them once from fresh saga rows" : "splitting them in two";
        KafkaLog.BatchRolledBack(context.Logger, first.Topic, first.Partition.Value, first.Offset.Value, run.Count, next, failure);
        if (run.Count == 1)
        {
            await ApplyAloneAsync(run[0], stop);
        }
        else if (retryWhole)
        {
            await ApplyInTransactionsAsync(run, retryWhole: false, stop);
        }
        else
        {
            var half = run.Count / 2;
            await ApplyInTransactionsAsync([.. run.Take(half)], retryWhole: false, stop);
            await ApplyInTransactionsAsync([.. run.Skip(half)], retryWhole: false, stop);
        }
    }

    /// <summary>
    /// Sends the records through the mediator inside one saga transaction and completes them once it committed; null then.
    /// Returns the failure when the transaction rolled back: none of them is applied.
    /// </summary>
    private async Task<Exception?> TryInOneTransactionAsync(IReadOnlyList<DecodedRecord> run, PartitionStopSignal stop)
    {
        var applied = 0;
        var spans = run.Select(r => ApplySpan.Start(r.Record, r.Event)).ToList();
        if (spans.Count == 1)
        {
            // A transaction of one record (the usual case below saturation) belongs wholly to its trace, commit included.
            Activity.Current = spans[0];
        }

        try
        {
            // An order event's OrderId is its saga's correlation id.
            await context.Transactions.RunAsync(
                [.. run.Select(r => r.Event.OrderId)],
                async mediator =>
                {
                    foreach (var record in run)
                    {
                        // Takes no further record once stopping; what was sent so far still commits.
                        if (stop.IsStopping)
                        {
                            break;
                        }

                        // The saga's reads and writes for this record belong to the trace of the change that wrote it.
                        Activity.Current = spans[applied];
                        await mediator.Send(record.Event, record.Event.GetType(), record.HistoryHeaders, stop.InFlight);
                        applied++;
                    }
                },
                stop.InFlight);
        }
        catch (Exception exception) when (!stop.IsStopping)
        {
            context.Metrics.RecordBatchRolledBack();
            ApplySpan.EndAll(spans, exception);
            return exception;
        }

        ApplySpan.EndAll(spans, null);
        if (applied > 0)
        {
            complete(run[applied - 1].Record);
            context.Metrics.RecordBatch(applied);
            foreach (var record in run.Take(applied))
            {
                context.Metrics.RecordEndToEndAge(record.CreatedAt);
            }
        }

        // Cut short by a stop: nothing behind the records sent may be passed, not even a dead letter.
        if (applied < run.Count)
        {
            stop.Stopping.ThrowIfCancellationRequested();
        }

        return null;
    }

    /// <summary>
    /// The record in its own saga transaction with the retry policy; dead-lettered (reason <c>apply-failed</c>) when a
    /// failure that is not transient used up the attempts, so the partition goes on and only its order parks.
    /// </summary>
    private async Task ApplyAloneAsync(DecodedRecord decoded, PartitionStopSignal stop)
    {
        var record = decoded.Record;
        using var span = ApplySpan.Start(record, decoded.Event);
        Activity.Current = span;
        var failure = await retry.RunAsync(
            ct => context.Mediator.Send(decoded.Event, decoded.Event.GetType(), decoded.HistoryHeaders, ct),
            SagaFailures.IsTransient,
            (attempt, delay, exception) =>
            {
                KafkaLog.ApplyFailed(context.Logger, record.Topic, record.Partition.Value, record.Offset.Value, attempt, delay, exception);
                context.Health.Retrying(record.Partition.Value, record.Offset.Value, attempt, exception);
            },
            stop);
        if (failure is null)
        {
            context.Metrics.RecordApplied();
            context.Metrics.RecordEndToEndAge(decoded.CreatedAt);
        }
        else
        {
            await deadLetters.WriteAsync(record, "apply-failed", $"{failure.GetType().Name}: {failure.Message}", stop);
        }

        context.Health.Running(record.Partition.Value);
        complete(record);
    }

    private sealed record DecodedRecord(ConsumeResult<byte[], byte[]> Record, IOrderEvent Event, DateTimeOffset CreatedAt)
    {
        /// <summary>Tells the saga's history where the record was read.</summary>
        public MassTransit.IPipe<MassTransit.SendContext> HistoryHeaders =>
            OrderHistoryHeaders.FromKafka(Record.Partition.Value, Record.Offset.Value);
    }
}
