namespace Orders.Processor.Kafka;

/// <summary>
/// Settings of the Kafka consumer that feeds outbox events to the saga, bound from the <c>Kafka</c> section
/// (environment variables <c>Kafka__BootstrapServers</c>, <c>Kafka__Topic</c>, ...).
/// </summary>
public sealed class KafkaOptions
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string SectionName = "Kafka";

    /// <summary>The brokers, <c>host:port</c> separated by commas. Required.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>The topic the outbox connector (or the relay) publishes to.</summary>
    public string Topic { get; set; } = "microshop.order-outbox";

    /// <summary>The consumer group; every processor instance uses the same one so partitions are shared.</summary>
    public string GroupId { get; set; } = "orders-processor";

    /// <summary>Where records that can never be applied (undecodable, unknown type, ids that disagree) are moved.</summary>
    public string DeadLetterTopic { get; set; } = "microshop.order-outbox.dlq";

    /// <summary>
    /// How long the group waits for a silent member before giving its partitions to another. Short, so a crashed
    /// instance's partitions move on quickly.
    /// </summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often offsets of applied records are committed; a crash repeats at most this much work.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a record whose saga failed with an error that is not transient (a bug, a constraint, anything but the
    /// database being unreachable or a concurrency conflict) is tried before it is dead-lettered with reason
    /// <c>apply-failed</c>; its order then parks at its next event. Transient failures are retried until they pass or the
    /// partition is revoked.
    /// </summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>
    /// How long a stopping or revoked partition's record in flight may take before it is cancelled and left uncommitted
    /// for redelivery. Below <see cref="SessionTimeout"/>, so a rebalance completes before the group evicts this member,
    /// even while PostgreSQL does not answer.
    /// </summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The pause before the first retry of a record whose processing failed; it doubles per attempt.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest pause between retries of the same record.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many fetched records may wait per partition before the partition is paused.</summary>
    public int PartitionBufferSize { get; set; } = 1000;

    /// <summary>
    /// The most records of one partition applied in one saga transaction. A worker takes only records already waiting
    /// in its buffer (at most <see cref="PartitionBufferSize"/>), so at low load a batch is one record; 1 turns
    /// batching off. Larger batches hardly drain faster but keep more sagas, contexts and parameters alive across
    /// collections, which the processor's peak memory follows (docs/benchmark.md).
    /// </summary>
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>
    /// How long a fetch may wait for records before the broker answers empty (librdkafka's <c>fetch.wait.max.ms</c>).
    /// A real broker answers as soon as a record arrives; the local Kafka stand-in holds an empty fetch this long, so
    /// the local run and the tests set it low.
    /// </summary>
    public TimeSpan FetchWaitMax { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Further librdkafka consumer properties (<c>Kafka:Consumer:security.protocol</c>, <c>Kafka:Consumer:sasl.mechanism</c>,
    /// <c>Kafka:Consumer:ssl.ca.location</c>, ...), applied over the consumer's own settings. <c>enable.auto.commit</c>
    /// cannot be set: offsets are committed only past applied records.
    /// </summary>
    public Dictionary<string, string> Consumer { get; } = [];

    /// <summary>Further librdkafka properties of the dead-letter producer (<c>Kafka:Producer:security.protocol</c>, ...).</summary>
    public Dictionary<string, string> Producer { get; } = [];
}
