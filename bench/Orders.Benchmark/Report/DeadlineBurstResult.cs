namespace Orders.Benchmark.Report;

/// <param name="Nodes">Processor nodes delivering the deadlines.</param>
/// <param name="Deadlines">Payment deadlines made due at the same moment.</param>
/// <param name="DeliveredSeconds">From the moment they were due until no timeout row was left (every delivery committed), or null when not within the deadline.</param>
/// <param name="CancelledSeconds">From the same moment until the API had cancelled every order, or null when not within the deadline.</param>
/// <param name="DeliveredPerSecond">Deadlines delivered per second over <paramref name="DeliveredSeconds"/> (or up to the phase's deadline).</param>
/// <param name="CancelledPerSecond">Orders cancelled per second over <paramref name="CancelledSeconds"/> (or up to the phase's deadline).</param>
internal sealed record DeadlineBurstResult(
    int Nodes, long Deadlines, double? DeliveredSeconds, double? CancelledSeconds, double DeliveredPerSecond, double CancelledPerSecond);
