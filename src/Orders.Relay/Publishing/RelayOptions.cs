namespace Orders.Relay.Publishing;

/// <summary>Settings of the outbox relay, section <c>Relay</c>.</summary>
public sealed class RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>The topic records go to; the shipped connector's <c>topic.prefix</c>.</summary>
    public string Topic { get; set; } = "microshop.order-outbox";

    /// <summary>Most rows read, produced and acknowledged as one batch; the position moves once per batch.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How long to wait before querying again after a query found no row.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The name of this relay's position row; relays with different names publish independently.</summary>
    public string Name { get; set; } = "orders-outbox-relay";

    /// <summary>The longest wait between retries while PostgreSQL or Kafka fails.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
