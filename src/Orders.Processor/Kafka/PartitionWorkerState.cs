namespace Orders.Processor.Kafka;

/// <summary>How a partition's worker is doing, as <see cref="PartitionWorkerHealth"/> reports it.</summary>
public enum PartitionWorkerState
{
    /// <summary>Applying records, or waiting for them.</summary>
    Running,

    /// <summary>A record failed and is being retried; the partition waits behind it.</summary>
    Retrying,

    /// <summary>The worker itself failed outside a record's apply; it is restarted on the same records after a pause.</summary>
    Faulted,
}
