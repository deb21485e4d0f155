using System.Globalization;
using Orders.Contracts;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// Replays an order's recorded events through the current saga on the in-memory back-end, in virtual time: the clock
/// starts at the first event, moves to each event's time (firing the timeouts due on the way) and the Orders API
/// answers from the recorded order, so the saga's decisions can be compared with what happened. Prints a line per
/// step: when, what arrived, the state before and after, and the timeouts then pending.
/// </summary>
public static class SagaReplay
{
    /// <param name="events">One order's events in the order they were committed.</param>
    /// <param name="output">Where the transitions are printed.</param>
    /// <param name="after">How long to let pass after the last event, so its deadlines fire too.</param>
    /// <returns>The saga's state at the end (<c>none</c> without a row).</returns>
    public static async Task<string> RunAsync(IReadOnlyList<IOrderEvent> events, TextWriter output, TimeSpan after)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(output);
        if (events.Count == 0 || events.Any(e => e.OrderId != events[0].OrderId))
        {
            throw new ArgumentException("A replay takes the events of exactly one order.", nameof(events));
        }

        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(events[0].OccurredAt);
        var backend = InMemorySagaBackend.Start(clock);
        await using var scenario = new FulfilmentScenario(backend, owned: backend);
        var order = scenario.NewOrder(events[0].OrderId, events[0].UserId);
        var state = "none";
        await output.WriteLineAsync($"Replaying {events.Count} events of order {order.Id}");

        async Task PrintAsync(string arrived)
        {
            var then = await scenario.ThenAsync(order);
            var now = then.Saga is { } saga ? saga.CurrentState : "none";
            var calls = then.ApiCalls.Count;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{scenario.Now:yyyy-MM-dd HH:mm:ss}  {arrived,-24} {state,-16} -> {now,-16} timeouts: [{string.Join(", ", then.Timeouts)}]  api calls: {calls}"));
            state = now;
        }

        foreach (var orderEvent in events)
        {
            if (orderEvent.OccurredAt > scenario.Now)
            {
                await scenario.AdvanceAsync(orderEvent.OccurredAt - scenario.Now, _ => PrintAsync("(timeout due)"));
            }

            order.Record(orderEvent);
            await scenario.GivenAsync(orderEvent);
            await PrintAsync($"{orderEvent.GetType().Name} #{orderEvent.Sequence}");
        }

        await scenario.AdvanceAsync(after, _ => PrintAsync("(timeout due)"));
        foreach (var call in scenario.Api.CallsFor(order.Id))
        {
            await output.WriteLineAsync($"API: {call.Method} {call.Path} {call.Body} -> {call.Status}");
        }

        await output.WriteLineAsync($"Final state: {state}");
        return state;
    }
}
