using Orders.Contracts;
using Orders.Processor.Fulfilment;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// One scenario of the fulfilment saga, written as given (the order's events), when (time passes) and then (what the
/// saga recorded, which timeouts wait, what it asked the Orders API), on whichever <see cref="ISagaBackend"/> the
/// test chose. Time is virtual: <see cref="AdvanceAsync"/> moves the back-end's clock from due timeout to due timeout,
/// delivering each on the way, so a two-day deadline takes no longer than a two-second one. See docs/saga-scenarios.md.
/// </summary>
public sealed class FulfilmentScenario : IAsyncDisposable
{
    /// <summary>Deliveries at distinct due times one <see cref="AdvanceAsync"/> may make before it gives up.</summary>
    public const int MaxTimeoutRounds = 200;

    private readonly IAsyncDisposable? owned;

    /// <param name="backend">Where the saga runs.</param>
    /// <param name="owned">Disposed with the scenario: a back-end made for this scenario alone.</param>
    public FulfilmentScenario(ISagaBackend backend, IAsyncDisposable? owned = null)
    {
        Backend = backend ?? throw new ArgumentNullException(nameof(backend));
        this.owned = owned;
        Start = Now;
    }

    public ISagaBackend Backend { get; }

    /// <summary>The virtual time the scenario started at; deadlines are asserted relative to it.</summary>
    public DateTimeOffset Start { get; }

    public DateTimeOffset Now => Backend.Clock.GetUtcNow();

    /// <summary>The fake Orders API the saga calls.</summary>
    public ScenarioOrdersApi Api => Backend.Api;

    /// <summary>A new order, known to the fake API, with the defaults of <see cref="ScenarioOrder"/>.</summary>
    public ScenarioOrder NewOrder() => NewOrder(Guid.NewGuid(), 42);

    /// <summary>An order with a given id and user, for example one whose recorded history is replayed.</summary>
    public ScenarioOrder NewOrder(Guid id, long userId)
    {
        var order = new ScenarioOrder(id, Backend.Clock) { UserId = userId };
        Api.Add(order);
        return order;
    }

    /// <summary>The saga receives these events, in this order (repeats and gaps included, as written).</summary>
    public Task GivenAsync(params IOrderEvent[] events) => Backend.DeliverAsync(events);

    /// <summary>
    /// Time passes: the clock moves to each due timeout in turn (delivering it there) and then to <see cref="Now"/> +
    /// <paramref name="time"/>. A delivery that fails (API down) is leased and retried, as in production.
    /// </summary>
    /// <param name="time">How long passes.</param>
    /// <param name="delivered">Told the due time of each round of deliveries, after it (the replay prints them).</param>
    public async Task AdvanceAsync(TimeSpan time, Func<DateTimeOffset, Task>? delivered = null)
    {
        var until = Now + time;
        for (var round = 0; await Backend.NextDueAsync(until) is { } due; round++)
        {
            if (round == MaxTimeoutRounds)
            {
                throw new ScenarioFailedException(
                    $"{Backend.Name}: timeouts were still due after {MaxTimeoutRounds} deliveries before {until:O}; one keeps failing?");
            }

            if (due > Now)
            {
                Backend.Clock.SetUtcNow(due);
            }

            await Backend.DeliverDueTimeoutsAsync();
            if (delivered is not null)
            {
                await delivered(Now);
            }
        }

        if (until > Now)
        {
            Backend.Clock.SetUtcNow(until);
        }
    }

    /// <summary>
    /// A timeout of the order arrives now with this schedule token: a redelivery of one already delivered (the token the
    /// saga held, from <see cref="SagaThen.Saga"/>), or one the saga never scheduled (a new token).
    /// </summary>
    public Task GivenTimeoutAsync(ScenarioOrder order, TimeoutKind kind, Guid tokenId)
    {
        ArgumentNullException.ThrowIfNull(order);
        object message = kind == TimeoutKind.Payment
            ? new PaymentTimedOut { OrderId = order.Id }
            : new ShipmentTimedOut { OrderId = order.Id };
        return Backend.DeliverTimeoutAsync(message, tokenId);
    }

    /// <summary>What the saga holds for the order now: its row, its pending timeouts and the API calls made for it.</summary>
    public async Task<SagaThen> ThenAsync(ScenarioOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new SagaThen(
            Backend.Name, order, await Backend.LoadAsync(order.Id), await Backend.TimeoutsAsync(order.Id), Api.CallsFor(order.Id));
    }

    public async ValueTask DisposeAsync()
    {
        if (owned is not null)
        {
            await owned.DisposeAsync();
        }
    }
}
