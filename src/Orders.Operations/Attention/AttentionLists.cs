namespace Orders.Operations.Attention;

/// <summary>The orders an operator should look at, oldest first in each list.</summary>
public sealed record AttentionLists(
    IReadOnlyList<AttentionOrder> Parked,
    IReadOnlyList<AttentionOrder> CancellationUnconfirmed,
    IReadOnlyList<AttentionOrder> ShipmentOverdue,
    IReadOnlyList<AttentionOrder> RefundRequired);
