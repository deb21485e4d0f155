namespace Orders.Relay.Outbox;

/// <summary>One outbox row, encoded as the Kafka record the connector would produce.</summary>
/// <param name="TransactionId">The row's position; the relay saves the last one published.</param>
/// <param name="Key">UTF-8 of the plain user id.</param>
/// <param name="Value">The JsonConverter envelope.</param>
/// <param name="CreatedAt">When the row was written (UTC).</param>
/// <param name="Traceparent">The writer's trace context, sent as the <c>traceparent</c> header; null when untraced.</param>
internal sealed record OutboxRecord(long TransactionId, byte[]? Key, byte[] Value, DateTime CreatedAt, string? Traceparent);
