namespace Orders.Processor.Scheduling;

/// <summary>
/// A timeout whose delivery failed <see cref="SchedulingOptions.MaxDeliveryAttempts"/> times, a row of
/// <c>fulfilment.dead_timeout</c>: no longer delivered until an operator retries it
/// (<c>SELECT fulfilment.retry_dead_timeout(token_id)</c>, which moves it back to <c>fulfilment.scheduled_timeout</c>, due
/// at once). Mapped for the migration and for operators only; the clock writes it with plain SQL.
/// </summary>
public sealed class DeadTimeout
{
    /// <summary>The schedule's token id; the saga still holds it, so a retried delivery is not ignored as stale.</summary>
    public Guid TokenId { get; set; }

    /// <summary>The saga (order) that scheduled it.</summary>
    public Guid CorrelationId { get; set; }

    /// <summary>Full CLR name of the message.</summary>
    public string MessageType { get; set; } = null!;

    /// <summary>The message as JSON.</summary>
    public string Message { get; set; } = null!;

    /// <summary>When its last delivery was due.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>Delivery attempts made before it was given up.</summary>
    public int Attempts { get; set; }

    /// <summary>Why the last delivery failed.</summary>
    public string LastError { get; set; } = null!;

    /// <summary>When it was scheduled.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it was given up.</summary>
    public DateTimeOffset DiedAt { get; set; }
}
