namespace Orders.Operations.Reconcile;

/// <summary>One difference between the outbox, the topic and the saga table, for one order.</summary>
public sealed record Finding(Guid OrderId, FindingKind Kind, string Detail)
{
    /// <summary>True for what does not heal by waiting: something was lost, invented or parked.</summary>
    public bool IsProblem => Kind is FindingKind.MissingOnTopic or FindingKind.NotInOutbox or FindingKind.SagaAhead or FindingKind.Parked;
}
