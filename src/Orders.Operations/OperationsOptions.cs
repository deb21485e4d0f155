namespace Orders.Operations;

/// <summary>
/// What the operations page needs to know about the deployables it looks at. The Kafka names and the two timeouts use
/// the processor's own setting names and defaults, so one configuration can serve both.
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
