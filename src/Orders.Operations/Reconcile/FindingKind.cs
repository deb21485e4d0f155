namespace Orders.Operations.Reconcile;

public enum FindingKind
{
    /// <summary>An outbox row the relay has passed is not on the topic.</summary>
    MissingOnTopic,

    /// <summary>An outbox row not published yet: behind, not lost.</summary>
    NotPublished,

    /// <summary>An outbox row on the topic more than once (at-least-once publication; the saga applies it once).</summary>
    Duplicated,

    /// <summary>A topic record whose outbox row does not exist.</summary>
    NotInOutbox,

    /// <summary>The saga has applied fewer events than the outbox holds: the processor is behind.</summary>
    SagaBehind,

    /// <summary>The saga has applied more events than the outbox holds.</summary>
    SagaAhead,

    /// <summary>The saga is parked on a gap and waits for an operator.</summary>
    Parked,
}
