namespace Orders.Operations.Kafka;

/// <summary>The processor's <c>Kafka</c> section, read by the operations page: same keys, same defaults.</summary>
public sealed class OperationsKafkaOptions
{
    public const string SectionName = "Kafka";

    public string BootstrapServers { get; set; } = "";

    public string Topic { get; set; } = "microshop.order-outbox";

    /// <summary>The processor's consumer group, whose committed offsets are the processor's position.</summary>
    public string GroupId { get; set; } = "orders-processor";

    public string DeadLetterTopic { get; set; } = "microshop.order-outbox.dlq";
}
