namespace Orders.Relay.Publishing;

/// <summary>Settings of the outbox relay, section <c>Relay</c>.</summary>
public sealed class RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>The topic records go to; the shipped connector's <c>topic.prefix</c>.</summary>
    public string Topic { get; set; } = "microshop.order-outbox";

    /// <summary>Most rows read, produced and acknowledged as one batch; the position moves once per batch.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>
    /// How long to wait before querying again after an empty read while a notified commit is not readable yet (an
    /// older transaction still runs), or while the commit notifications are not being received.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// The safety net: how long an idle relay waits for a commit notification before it queries anyway.
    /// </summary>
    public TimeSpan IdlePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long the publishing lease lasts after its last renewal: a standby takes over at most about this long (plus
    /// a fifth of it) after the holder died. The holder renews every fifth of it.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The name of this relay's position row; relays with the same name share one position and one lease (one of them
    /// publishes), relays with different names publish independently.
    /// </summary>
    public string Name { get; set; } = "orders-outbox-relay";

    /// <summary>The longest wait between retries while PostgreSQL or Kafka fails.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
