using System.Threading.Channels;
using Confluent.Kafka;

namespace Orders.Processor.Kafka;

/// <summary>
/// Back-pressure between the consume loop and one partition's worker: a bounded queue the loop writes and the worker
/// takes batches from, and an overflow the loop keeps (with the partition paused) until the queue has room again.
/// </summary>
internal sealed class PartitionBuffer(int capacity)
{
    private readonly Channel<ConsumeResult<byte[], byte[]>> queue = Channel.CreateBounded<ConsumeResult<byte[], byte[]>>(
        new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });

    // Records that did not fit into the queue. Loop thread only.
    private readonly Queue<ConsumeResult<byte[], byte[]>> overflow = new();

    /// <summary>Hands a record over; false when the queue is full and the partition should be paused. Loop thread.</summary>
    public bool Enqueue(ConsumeResult<byte[], byte[]> record)
    {
        if (overflow.Count == 0 && queue.Writer.TryWrite(record))
        {
            return true;
        }

        overflow.Enqueue(record);
        return false;
    }

    /// <summary>Moves waiting records into the queue; true when none wait any more and the partition may resume. Loop thread.</summary>
    public bool DrainOverflow()
    {
        while (overflow.TryPeek(out var record) && queue.Writer.TryWrite(record))
        {
            overflow.Dequeue();
        }

        return overflow.Count == 0;
    }

    /// <summary>No record is added any more; the worker's wait ends.</summary>
    public void Complete() => queue.Writer.TryComplete();

    /// <summary>
    /// Waits for a record, then adds to <paramref name="batch"/> the records already queued, up to <paramref name="maxBatchSize"/>.
    /// False once the buffer is complete and empty.
    /// </summary>
    public async Task<bool> TakeBatchAsync(List<ConsumeResult<byte[], byte[]>> batch, int maxBatchSize, CancellationToken cancellationToken)
    {
        if (!await queue.Reader.WaitToReadAsync(cancellationToken))
        {
            return false;
        }

        // Only what is already waiting, never a wait for more: at low load a batch is one record and adds no latency;
        // under a backlog it is up to maxBatchSize records with one commit.
        while (batch.Count < maxBatchSize && queue.Reader.TryRead(out var record))
        {
            batch.Add(record);
        }

        return true;
    }
}
