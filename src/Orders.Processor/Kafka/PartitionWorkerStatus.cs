namespace Orders.Processor.Kafka;

/// <summary>One assigned partition's worker as of its last change.</summary>
/// <param name="State">Running, retrying a record, or faulted and restarting.</param>
/// <param name="Offset">The record retried or being restarted at, when not running.</param>
/// <param name="Attempts">Failed attempts at that record in a row (0 when running).</param>
/// <param name="LastError">The last failure's type and message, when not running.</param>
/// <param name="Since">When the worker entered <paramref name="State"/>.</param>
public sealed record PartitionWorkerStatus(
    PartitionWorkerState State, long? Offset, int Attempts, string? LastError, DateTimeOffset Since);
