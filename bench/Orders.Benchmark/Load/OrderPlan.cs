namespace Orders.Benchmark.Load;

/// <summary>
/// The steps one simulated order goes through. The lifecycle mix averages 2.9 writes per order, every saga transition
/// is exercised: the payment timeout is scheduled on submission and unscheduled on payment or cancellation, the
/// shipment timeout scheduled on payment and unscheduled on shipment.
/// </summary>
internal static class OrderPlan
{
    private static readonly OrderStep[] SubmitOnly = [OrderStep.Submit];

    /// <summary>(share in percent, steps); the shares add up to 100.</summary>
    private static readonly (int Percent, OrderStep[] Steps)[] LifecycleMix =
    [
        (40, [OrderStep.Submit, OrderStep.Pay, OrderStep.Ship, OrderStep.Deliver]),
        (15, [OrderStep.Submit, OrderStep.Pay, OrderStep.Ship]),
        (25, [OrderStep.Submit, OrderStep.Pay]),
        (5, [OrderStep.Submit, OrderStep.Cancel]),
        (5, [OrderStep.Submit, OrderStep.Pay, OrderStep.Cancel]),
        (10, [OrderStep.Submit]),
    ];

    /// <summary>The steps of the next order; deterministic for a given <paramref name="random"/> seed.</summary>
    public static OrderStep[] Next(Workload workload, Random random)
    {
        if (workload == Workload.Submit)
        {
            return SubmitOnly;
        }

        var roll = random.Next(100);
        foreach (var (percent, steps) in LifecycleMix)
        {
            if (roll < percent)
            {
                return steps;
            }

            roll -= percent;
        }

        throw new InvalidOperationException("The lifecycle mix does not add up to 100.");
    }
}
