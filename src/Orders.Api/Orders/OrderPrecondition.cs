namespace Orders.Api.Orders;

/// <summary>
/// The versions of an order a conditional change (<c>If-Match</c>) may start from, checked in the change's own
/// transaction: the write is conditional on the sequence read, so a change that commits in between makes it fail.
/// </summary>
internal sealed class OrderPrecondition
{
    private readonly IReadOnlyList<int>? sequences;

    public OrderPrecondition(IReadOnlyList<int>? sequences) => this.sequences = sequences;

    public static OrderPrecondition AnyVersion { get; } = new(null);

    public bool HoldsFor(Order order) => sequences is null || sequences.Contains(order.Sequence);
}
