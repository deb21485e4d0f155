using System.Collections.Concurrent;

namespace Orders.Processor.Kafka;

/// <summary>
/// The state of every partition worker of this instance (a singleton), for health checks and operators: a partition
/// that retries a record or whose worker faulted is never silent. Released partitions disappear.
/// </summary>
public sealed class PartitionWorkerHealth(TimeProvider clock)
{
    private readonly ConcurrentDictionary<int, PartitionWorkerStatus> partitions = new();

    /// <summary>Assigned partitions by number, as of now.</summary>
    public IReadOnlyDictionary<int, PartitionWorkerStatus> Partitions => new Dictionary<int, PartitionWorkerStatus>(partitions);

    /// <summary>True when every assigned partition is running (also when none is assigned).</summary>
    public bool AllRunning => partitions.Values.All(p => p.State == PartitionWorkerState.Running);

    internal void Running(int partition)
    {
        if (!partitions.TryGetValue(partition, out var status) || status.State != PartitionWorkerState.Running)
        {
            partitions[partition] = new PartitionWorkerStatus(PartitionWorkerState.Running, null, 0, null, clock.GetUtcNow());
        }
    }

    internal void Retrying(int partition, long offset, int attempts, Exception error) =>
        Set(partition, PartitionWorkerState.Retrying, offset, attempts, error);

    internal void Faulted(int partition, long offset, int attempts, Exception error) =>
        Set(partition, PartitionWorkerState.Faulted, offset, attempts, error);

    internal void Released(int partition) => partitions.TryRemove(partition, out _);

    private void Set(int partition, PartitionWorkerState state, long offset, int attempts, Exception error)
    {
        var since = partitions.TryGetValue(partition, out var previous) && previous.State == state ? previous.Since : clock.GetUtcNow();
        partitions[partition] = new PartitionWorkerStatus(state, offset, attempts, $"{error.GetType().Name}: {error.Message}", since);
    }
}
