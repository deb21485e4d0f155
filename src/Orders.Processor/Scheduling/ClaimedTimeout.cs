namespace Orders.Processor.Scheduling;

/// <summary>
/// A due timeout this node has leased for delivery; <paramref name="DueAt"/> is the time it was due,
/// <paramref name="Traceparent"/> the trace of the saga step that scheduled it.
/// </summary>
internal sealed record ClaimedTimeout(
    Guid TokenId, Guid CorrelationId, string MessageType, string Message, int Attempts, DateTimeOffset DueAt, string? Traceparent);
