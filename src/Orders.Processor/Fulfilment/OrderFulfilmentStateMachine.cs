using MassTransit;
using Microsoft.Extensions.Options;
using Orders.Contracts;

namespace Orders.Processor.Fulfilment;

/// <summary>
/// Follows an order from submission to delivery or cancellation, one saga per order (CorrelationId = OrderId).
/// </summary>
/// <remarks>
/// Exactly-once, in-order effect: every order event carries the order's change number. An event at or below the last
/// applied number is a repeat and changes nothing; an event more than one ahead means one is missing, so the order is
/// parked (no further automatic decisions) until an operator resolves it; only the next number is applied. The
/// Orders API stays the only writer of orders: a payment timeout asks it to cancel, and the saga reaches Cancelled only
/// when the resulting OrderCancelled arrives. Every timestamp the saga writes and every deadline it schedules comes from
/// the injected <see cref="TimeProvider"/>, the same one the timeout table's clock reads.
/// </remarks>
public sealed class OrderFulfilmentStateMachine : MassTransitStateMachine<OrderFulfilmentState>
{
    public OrderFulfilmentStateMachine(
        IOptions<FulfilmentOptions> options,
        OrdersProcessorMetrics metrics,
        [FromKeyedServices(FulfilmentExtensions.ClockKey)] TimeProvider clock,
        ILogger<OrderFulfilmentStateMachine> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        Metrics = metrics;
        Clock = clock;
        Logger = logger;

        InstanceState(x => x.CurrentState);

        Event(() => OrderSubmitted, e => e.CorrelateById(c => c.Message.OrderId));
        Event(() => OrderPaid, e => e.CorrelateById(c => c.Message.OrderId));
        Event(() => OrderShipped, e => e.CorrelateById(c => c.Message.OrderId));
        Event(() => OrderDelivered, e => e.CorrelateById(c => c.Message.OrderId));
        Event(() => OrderCancelled, e => e.CorrelateById(c => c.Message.OrderId));

        Schedule(() => PaymentTimeout, x => x.PaymentTimeoutTokenId, s =>
        {
            s.Delay = settings.PaymentTimeout;
            s.Received = r =>
            {
                r.CorrelateById(c => c.Message.OrderId);
                r.OnMissingInstance(m => m.Discard());
            };
        });
        Schedule(() => ShipmentTimeout, x => x.ShipmentTimeoutTokenId, s =>
        {
            s.Delay = settings.ShipmentTimeout;
            s.Received = r =>
            {
                r.CorrelateById(c => c.Message.OrderId);
                r.OnMissingInstance(m => m.Discard());
            };
        });

        // Every event of an order the saga has never seen creates the row: the submission (sequence 1) starts the order,
        // anything else means the beginning is missing and parks it. The conditions look at the message only, because
        // the handlers of one event run one after the other and the first moves LastSequence.
        Initially(
            When(OrderSubmitted, c => c.Message.Sequence == 1)
                .Applied(this)
                .Then(c =>
                {
                    c.Saga.UserId = c.Message.UserId;
                    c.Saga.SubmittedAt = c.Message.OccurredAt.ToUniversalTime();
                })
                .Schedule(PaymentTimeout, c => new PaymentTimedOut { OrderId = c.Saga.CorrelationId }, DueIn<OrderSubmitted>(settings.PaymentTimeout))
                .TransitionTo(AwaitingPayment),
            When(OrderSubmitted, c => c.Message.Sequence != 1).Park(this),
            When(OrderPaid).Park(this),
            When(OrderShipped).Park(this),
            When(OrderDelivered).Park(this),
            When(OrderCancelled).Park(this));

        // The sequence gate. Registered before the During blocks on purpose: MassTransit runs a state's handlers for an
        // event in registration order, and these conditions must see LastSequence before an in-order handler moves it.
        DuringAny([
            .. SequenceGate(OrderSubmitted), .. SequenceGate(OrderPaid), .. SequenceGate(OrderShipped),
            .. SequenceGate(OrderDelivered), .. SequenceGate(OrderCancelled)]);

        During(AwaitingPayment,
            When(OrderPaid, InSequence)
                .Applied(this)
                .Then(c => c.Saga.PaidAt = c.Message.OccurredAt.ToUniversalTime())
                .Unschedule(PaymentTimeout)
                .Schedule(ShipmentTimeout, c => new ShipmentTimedOut { OrderId = c.Saga.CorrelationId }, DueIn<OrderPaid>(settings.ShipmentTimeout))
                .TransitionTo(AwaitingShipment),
            When(OrderShipped, InSequence).Shipped(this),
            When(OrderDelivered, InSequence).Delivered(this),
            When(OrderCancelled, InSequence).Cancelled(this),
            When(PaymentTimeout.Received)
                .Then(_ => metrics.TimedOut("payment"))
                .Activity(x => x.OfType<RequestPaymentTimeoutCancellation>()),
            Ignore(ShipmentTimeout.Received));

        During(AwaitingShipment,
            When(OrderPaid, InSequence).PaidAgain(this),
            When(OrderShipped, InSequence).Shipped(this),
            When(OrderDelivered, InSequence).Delivered(this),
            When(OrderCancelled, InSequence).Cancelled(this),
            When(ShipmentTimeout.Received)
                .Then(c =>
                {
                    c.Saga.ShipmentOverdueAt = clock.GetUtcNow();
                    c.Saga.UpdatedAt = c.Saga.ShipmentOverdueAt.Value;
                    metrics.TimedOut("shipment");
                    Log.ShipmentOverdue(logger, c.Saga.CorrelationId);
                })
                .TransitionTo(ShipmentOverdue),
            Ignore(PaymentTimeout.Received));

        // Visible to operators; a shipment arriving later still moves the order on.
        During(ShipmentOverdue,
            When(OrderPaid, InSequence).PaidAgain(this),
            When(OrderShipped, InSequence).Shipped(this),
            When(OrderDelivered, InSequence).Delivered(this),
            When(OrderCancelled, InSequence).Cancelled(this));

        During(InTransit,
            When(OrderPaid, InSequence).PaidAgain(this),
            When(OrderShipped, InSequence).Applied(this),
            When(OrderDelivered, InSequence).Delivered(this),
            When(OrderCancelled, InSequence).Cancelled(this));

        // Finished orders keep counting sequences, so a late payment is still recognised as needing a refund.
        During(Completed, Cancelled,
            When(OrderPaid, InSequence).PaidAgain(this),
            When(OrderShipped, InSequence).Applied(this),
            When(OrderDelivered, InSequence).Applied(this),
            When(OrderCancelled, InSequence).Applied(this));

        // A parked order holds every later event back too (the gate above parks those further ahead), so that nothing
        // is applied past the gap; an operator replays or resolves it.
        During(Parked,
            When(OrderSubmitted, InSequence).Park(this),
            When(OrderPaid, InSequence).Park(this),
            When(OrderShipped, InSequence).Park(this),
            When(OrderDelivered, InSequence).Park(this),
            When(OrderCancelled, InSequence).Park(this));

        // Both deadlines are cancelled on the way into these states; one already on its way changes nothing.
        During([ShipmentOverdue, InTransit, Completed, Cancelled, Parked],
            Ignore(PaymentTimeout.Received),
            Ignore(ShipmentTimeout.Received));
    }

    public State AwaitingPayment { get; private set; } = null!;

    public State AwaitingShipment { get; private set; } = null!;

    public State ShipmentOverdue { get; private set; } = null!;

    public State InTransit { get; private set; } = null!;

    public State Completed { get; private set; } = null!;

    public State Cancelled { get; private set; } = null!;

    public State Parked { get; private set; } = null!;

    public Event<OrderSubmitted> OrderSubmitted { get; private set; } = null!;

    public Event<OrderPaid> OrderPaid { get; private set; } = null!;

    public Event<OrderShipped> OrderShipped { get; private set; } = null!;

    public Event<OrderDelivered> OrderDelivered { get; private set; } = null!;

    public Event<OrderCancelled> OrderCancelled { get; private set; } = null!;

    public Schedule<OrderFulfilmentState, PaymentTimedOut> PaymentTimeout { get; private set; } = null!;

    public Schedule<OrderFulfilmentState, ShipmentTimedOut> ShipmentTimeout { get; private set; } = null!;

    internal OrdersProcessorMetrics Metrics { get; }

    internal TimeProvider Clock { get; }

    internal ILogger Logger { get; }

    /// <summary>A deadline on <see cref="Clock"/>; MassTransit's own delay overloads read the system clock.</summary>
    private ScheduleTimeProvider<OrderFulfilmentState, T> DueIn<T>(TimeSpan delay)
        where T : class =>
        _ => Clock.GetUtcNow().UtcDateTime + delay;

    /// <summary>What every state does first with an order event that is not the next one: drop a repeat, park a gap.</summary>
    private EventActivities<OrderFulfilmentState>[] SequenceGate<T>(Event<T> orderEvent)
        where T : class, IOrderEvent =>
    [
        When(orderEvent, Repeated).Duplicate(this),
        When(orderEvent, Ahead).Park(this),
    ];

    private static bool InSequence<T>(BehaviorContext<OrderFulfilmentState, T> context)
        where T : class, IOrderEvent =>
        context.Message.Sequence == context.Saga.LastSequence + 1;

    private static bool Repeated<T>(BehaviorContext<OrderFulfilmentState, T> context)
        where T : class, IOrderEvent =>
        context.Message.Sequence <= context.Saga.LastSequence;

    private static bool Ahead<T>(BehaviorContext<OrderFulfilmentState, T> context)
        where T : class, IOrderEvent =>
        context.Message.Sequence > context.Saga.LastSequence + 1;
}
