namespace Orders.Operations;

/// <summary>
/// The operations page's own settings (section <c>Operations</c>); the Kafka names and the saga's timeouts are read
/// from the processor's sections (<see cref="Kafka.OperationsKafkaOptions"/>, <see cref="Data.FulfilmentTimeouts"/>).
/// </summary>
public sealed class OperationsOptions
{
    public const string SectionName = "Operations";

    /// <summary>The relay whose position tells which outbox rows are published (<c>Relay:Name</c> of the relay).</summary>
    public string RelayName { get; set; } = "orders-outbox-relay";

    /// <summary>
    /// How long a cancellation may stay requested without the API's OrderCancelled arriving before the order is listed
    /// as stuck.
    /// </summary>
    public TimeSpan CancellationConfirmationTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Dead letters read per partition of the dead-letter topic, newest first.</summary>
    public int DeadLettersPerPartition { get; set; } = 200;
}
