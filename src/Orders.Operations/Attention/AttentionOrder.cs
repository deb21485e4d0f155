namespace Orders.Operations.Attention;

/// <summary>An order on one of the operator's lists, with the one fact that put it there.</summary>
public sealed record AttentionOrder(Guid OrderId, string State, int LastSequence, DateTimeOffset Since, string Why);
