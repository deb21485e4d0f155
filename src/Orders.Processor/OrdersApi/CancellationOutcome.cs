namespace Orders.Processor.OrdersApi;

/// <summary>
/// What the Orders API did with a cancellation request: accepted it, or refused it because the order had already moved
/// on (<see cref="CurrentStatus"/> says where).
/// </summary>
public sealed record CancellationOutcome(bool Accepted, string? CurrentStatus);
