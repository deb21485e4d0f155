namespace Orders.FaultInjection;

/// <summary>One order as its client saw it: the changes the API acknowledged, in order.</summary>
internal sealed class ClientOrder(Guid id, OrderScenario scenario)
{
    public Guid Id { get; } = id;

    public OrderScenario Scenario { get; } = scenario;

    /// <summary>Transitions the API acknowledged, counting the submission; the order's sequence must equal it.</summary>
    public int AcknowledgedChanges { get; set; } = 1;

    /// <summary>The status the order must have once the pipeline settles, counting the saga's own cancellation.</summary>
    public string ExpectedStatus => Scenario switch
    {
        OrderScenario.Delivered => "Delivered",
        OrderScenario.Shipped => "Shipped",
        OrderScenario.Paid => "Paid",
        _ => "Cancelled",
    };

    /// <summary>The sequence the order reaches once settled: the saga adds the cancellation of an unpaid order.</summary>
    public int ExpectedSequence => Scenario == OrderScenario.PaymentTimedOut ? AcknowledgedChanges + 1 : AcknowledgedChanges;

    /// <summary>The saga state that matches <see cref="ExpectedStatus"/>.</summary>
    public string ExpectedSagaState => ExpectedStatus switch
    {
        "Delivered" => "Completed",
        "Shipped" => "InTransit",
        "Paid" => "AwaitingShipment",
        _ => "Cancelled",
    };
}
