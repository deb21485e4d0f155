using Microsoft.Extensions.Time.Testing;
using Orders.Contracts;
using Orders.Processor.Fulfilment;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// Where a scenario runs the saga: <see cref="InMemorySagaBackend"/> (the state machine alone, milliseconds) or
/// <see cref="PipelineSagaBackend"/> (Kafka bridge, PostgreSQL repository, timeout table and its Quartz clock). Both
/// read the time from <see cref="Clock"/>, which only the scenario moves.
/// </summary>
public interface ISagaBackend
{
    /// <summary>Names the back-end in test output: <c>in-memory</c>, <c>pipeline</c>, <c>pipeline-batched</c>.</summary>
    string Name { get; }

    FakeTimeProvider Clock { get; }

    ScenarioOrdersApi Api { get; }

    /// <summary>Hands the events to the saga in this order and returns once each has been applied (and committed).</summary>
    Task DeliverAsync(IReadOnlyList<IOrderEvent> events);

    /// <summary>The earliest due time of a pending timeout (of any order) at or before <paramref name="until"/>.</summary>
    Task<DateTimeOffset?> NextDueAsync(DateTimeOffset until);

    /// <summary>Delivers every timeout due at <see cref="Clock"/>'s now and returns once each delivery ended.</summary>
    Task DeliverDueTimeoutsAsync();

    /// <summary>
    /// Delivers a timeout message with this schedule token now, as the clock delivers a row again after a lease or a
    /// crash (or a row the saga no longer waits for).
    /// </summary>
    Task DeliverTimeoutAsync(object message, Guid tokenId);

    Task<OrderFulfilmentState?> LoadAsync(Guid orderId);

    Task<IReadOnlyList<PendingTimeout>> TimeoutsAsync(Guid orderId);
}
