namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// Marks a scenario test as covering a cell of the state table in docs/processor.md: the saga in
/// <paramref name="state"/> (<c>Initial</c> for an order it has never seen) receiving <paramref name="event"/> (an event
/// name of the state machine, e.g. <c>OrderPaid</c> or <c>PaymentTimeout.Received</c>). <see cref="ScenarioCoverage"/>
/// reads these to find cells without a scenario.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class CoversAttribute(string state, string @event) : Attribute
{
    public string State { get; } = state;

    public string Event { get; } = @event;
}
