namespace Orders.Processor.Scheduling;

/// <summary>
/// One pending timeout, a row of <c>fulfilment.scheduled_timeout</c>. Mapped for the migration and for operators only:
/// the processor writes and reads it with plain SQL (<see cref="PendingTimeoutWrites"/>,
/// <see cref="ScheduledTimeoutQueue"/>), so the saga's change tracker never sees it.
/// </summary>
public sealed class ScheduledTimeout
{
    /// <summary>The schedule's token id, as stored on the saga (for example <c>payment_timeout_token_id</c>).</summary>
    public Guid TokenId { get; set; }

    /// <summary>The saga (order) that scheduled it.</summary>
    public Guid CorrelationId { get; set; }

    /// <summary>Full CLR name of the message, for example <c>Orders.Processor.Fulfilment.PaymentTimedOut</c>.</summary>
    public string MessageType { get; set; } = null!;

    /// <summary>The message as JSON.</summary>
    public string Message { get; set; } = null!;

    /// <summary>When it is delivered next: the deadline until a node claims it, then the end of that node's lease.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>Delivery attempts so far (claims); above 1 means deliveries failed or a node died while delivering.</summary>
    public int Attempts { get; set; }

    /// <summary>Why the last delivery failed, if one did.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the saga step that scheduled it, so its delivery continues that order's trace; null
    /// when that step was not traced.
    /// </summary>
    public string? Traceparent { get; set; }
}
