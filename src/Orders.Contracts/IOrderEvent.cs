namespace Orders.Contracts;

/// <summary>
/// What every order event carries. Events are written to the outbox by the Orders API and published to
/// <c>microshop.order-outbox</c>; the outbox row's <c>type</c> column holds the event's name.
/// </summary>
public interface IOrderEvent
{
    /// <summary>The order the event belongs to.</summary>
    Guid OrderId { get; }

    /// <summary>The customer who owns the order; also the Kafka record key.</summary>
    long UserId { get; }

    /// <summary>When the change was committed by the API.</summary>
    DateTimeOffset OccurredAt { get; }

    /// <summary>Version of this event's schema; consumers refuse versions they do not know.</summary>
    int SchemaVersion { get; }

    /// <summary>
    /// The order's change number: 1 for the submission, then one more for each change. A consumer that has applied
    /// n expects n + 1 next; anything lower is a repeat, anything higher means an event is missing.
    /// </summary>
    int Sequence { get; }
}
