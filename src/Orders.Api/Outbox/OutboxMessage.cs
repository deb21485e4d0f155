using System.Text.Json;
using Orders.Contracts;
using Orders.ServiceDefaults.Telemetry;

namespace Orders.Api.Outbox;

/// <summary>
/// One row of <c>outbox</c>: an event waiting to be published to <c>microshop.order-outbox</c>. Insert-only. Its
/// columns are a contract with <c>ops/connect</c>, the relay and the processor: change them together.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; init; }

    /// <summary>The order's customer; becomes the Kafka record key.</summary>
    public required long UserId { get; init; }

    /// <summary>The order id.</summary>
    public required Guid AggregateId { get; init; }

    /// <summary>The event name, one of <see cref="Contracts.OrderEventTypes.ByName"/>.</summary>
    public required string Type { get; init; }

    /// <summary>The event as JSON (jsonb).</summary>
    public required string Payload { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// The writing transaction's id (<c>pg_current_xact_id()</c>), filled in by the database. Readers publish rows in
    /// this order and only below the oldest running transaction, so a row that commits late is never passed over.
    /// Unique: a transaction writes at most one event.
    /// </summary>
    public long TransactionId { get; init; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the request that wrote the row, or null when it was not traced. The relay and the
    /// connector put it in the record's <c>traceparent</c> header, so the processor continues the same trace.
    /// </summary>
    public string? Traceparent { get; init; }

    /// <summary>The row that publishes <paramref name="orderEvent"/>, stamped with the time of the change.</summary>
    public static OutboxMessage For(IOrderEvent orderEvent)
    {
        ArgumentNullException.ThrowIfNull(orderEvent);
        return new OutboxMessage
        {
            UserId = orderEvent.UserId,
            AggregateId = orderEvent.OrderId,
            Type = OrderEventTypes.NameOf(orderEvent),
            Payload = JsonSerializer.Serialize(orderEvent, orderEvent.GetType(), OrderEventTypes.JsonOptions),
            CreatedAt = orderEvent.OccurredAt,
            Traceparent = TraceParent.OfCurrent(),
        };
    }
}
