namespace Orders.Processor.Scheduling;

/// <summary>Settings of the fulfilment timeouts, section <c>Scheduling</c>.</summary>
public sealed class SchedulingOptions
{
    public const string SectionName = "Scheduling";

    /// <summary>
    /// How often the clock job looks for due timeouts in <c>fulfilment.scheduled_timeout</c>. A timeout is delivered at most
    /// about this long after its deadline (plus the time to deliver the timeouts due before it).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Due timeouts claimed per statement; a firing claims batch after batch while a full batch was due.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Most timeouts of one claimed batch delivered at the same time by one firing of the clock, in one saga transaction:
    /// their calls to the Orders API run side by side and their saga changes commit together. A node halves the number
    /// each time the API refuses a delivery for load (429 or 503) and raises it by one per group delivered in full, back
    /// up to this (gauge <c>orders.fulfilment.timeouts.delivery_concurrency</c>).
    /// </summary>
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>
    /// Firings of the clock one node runs at the same time (its Quartz threads). Firings never deliver the same timeout
    /// (each claims its own), and every node takes firings, so under a burst of deadlines up to
    /// nodes × <see cref="ConcurrentFirings"/> × <see cref="MaxConcurrency"/> deliveries run at once: size it to what the
    /// Orders API takes.
    /// </summary>
    public int ConcurrentFirings { get; set; } = 2;

    /// <summary>
    /// The lease of a claimed timeout: one whose delivery failed (Orders API down, node stopping or dead) is delivered
    /// again this long after it was claimed, until a delivery succeeds or <see cref="MaxDeliveryAttempts"/> failed. A firing
    /// renews the lease of the timeouts it is still delivering every third of it, so firings that overlap never deliver
    /// the same timeout at once. The API client retries within each delivery on top of this.
    /// </summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Delivery attempts (claims) after which a timeout that still fails is given up: moved to
    /// <c>fulfilment.dead_timeout</c>, counted (<c>orders.fulfilment.timeouts.dead</c>) and logged (EventId 2051), until an
    /// operator retries it. About this many times <see cref="RetryInterval"/> after its deadline.
    /// </summary>
    public int MaxDeliveryAttempts { get; set; } = 10;

    /// <summary>
    /// How long an idle Quartz node waits before it looks for the clock trigger again (Quartz default 30 s, minimum 1 s):
    /// bounds how long the clock pauses when the node running it stops.
    /// </summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each node checks in with the Quartz cluster; a node silent for longer is presumed dead and the
    /// clock job it was running is recovered by another.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);
}
