namespace Orders.Processor.Kafka;

/// <summary>The Kafka bridge's log messages: Processor EventIds 2500-2999.</summary>
internal static partial class KafkaLog
{
    [LoggerMessage(2500, LogLevel.Information, "Assigned partitions {Partitions} of {Topic}")]
    public static partial void PartitionsAssigned(ILogger logger, string topic, string partitions);

    [LoggerMessage(2501, LogLevel.Information, "Partitions {Partitions} of {Topic} revoked; finishing the records in flight and committing them")]
    public static partial void PartitionsRevoked(ILogger logger, string topic, string partitions);

    [LoggerMessage(2502, LogLevel.Warning, "Partitions {Partitions} of {Topic} lost; their uncommitted records will be redelivered")]
    public static partial void PartitionsLost(ILogger logger, string topic, string partitions);

    [LoggerMessage(2503, LogLevel.Warning, "Applying {Topic}[{Partition}]@{Offset} failed on attempt {Attempt}; retrying in {Delay}")]
    public static partial void ApplyFailed(ILogger logger, string topic, int partition, long offset, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(2504, LogLevel.Error, "Record {Topic}[{Partition}]@{Offset} moved to {DeadLetterTopic}: {Reason}: {Error}")]
    public static partial void DeadLettered(ILogger logger, string topic, int partition, long offset, string deadLetterTopic, string reason, string error);

    [LoggerMessage(2505, LogLevel.Warning, "Writing {Topic}[{Partition}]@{Offset} to the dead-letter topic failed on attempt {Attempt}; retrying in {Delay}")]
    public static partial void DeadLetterFailed(ILogger logger, string topic, int partition, long offset, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(2506, LogLevel.Warning, "Committing offsets {Offsets} failed; they are committed again later")]
    public static partial void CommitFailed(ILogger logger, string offsets, Exception exception);

    [LoggerMessage(2507, LogLevel.Warning, "Kafka client error {Code}: {Reason}")]
    public static partial void ClientError(ILogger logger, string code, string reason);

    [LoggerMessage(2509, LogLevel.Warning, "Applying {Count} records of {Topic}[{Partition}] from offset {Offset} in one transaction failed and was rolled back; {Next}")]
    public static partial void BatchRolledBack(ILogger logger, string topic, int partition, long offset, int count, string next, Exception exception);

    [LoggerMessage(2510, LogLevel.Error, "The worker of {Topic}[{Partition}] failed at offset {Offset} ({Faults} in a row); restarting it there in {Delay}")]
    public static partial void WorkerFaulted(ILogger logger, string topic, int partition, long offset, int faults, TimeSpan delay, Exception exception);

    [LoggerMessage(2508, LogLevel.Debug, "Committed offsets {Offsets}")]
    public static partial void Committed(ILogger logger, string offsets);
}
