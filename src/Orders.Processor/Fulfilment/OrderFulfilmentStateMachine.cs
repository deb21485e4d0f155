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
/// when the resulting OrderCancelled arrives.
/// </remarks>
public sealed class OrderFulfilmentStateMachine : MassTransitStateMachine<OrderFulfilmentState>
{
    public OrderFulfilmentStateMachine(
        IOptions<FulfilmentOptions> options, OrdersProcessorMetrics metrics, ILogger<OrderFulfilmentStateMachine> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;

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
                .Applied(metrics)
                .Then(c =>
                {
                    c.Saga.UserId = c.Message.UserId;
                    c.Saga.SubmittedAt = c.Message.OccurredAt.ToUniversalTime();
                })
                .Schedule(PaymentTimeout, c => new PaymentTimedOut { OrderId = c.Saga.CorrelationId })
                .TransitionTo(AwaitingPayment),
            When(OrderSubmitted, c => c.Message.Sequence != 1).Park(this, metrics, logger),
            When(OrderPaid).Park(this, metrics, logger),
            When(OrderShipped).Park(this, metrics, logger),
            When(OrderDelivered).Park(this, metrics, logger),
            When(OrderCancelled).Park(this, metrics, logger));

        // The sequence gate. Registered before the During blocks on purpose: MassTransit runs a state's handlers for an
        // event in registration order, and these conditions must see LastSequence before an in-order handler moves it.
        DuringAny(
            When(OrderSubmitted, Repeated).Duplicate(metrics, logger),
            When(OrderPaid, Repeated).Duplicate(metrics, logger),
            When(OrderShipped, Repeated).Duplicate(metrics, logger),
            When(OrderDelivered, Repeated).Duplicate(metrics, logger),
            When(OrderCancelled, Repeated).Duplicate(metrics, logger),
            When(OrderSubmitted, Ahead).Park(this, metrics, logger),
            When(OrderPaid, Ahead).Park(this, metrics, logger),
            When(OrderShipped, Ahead).Park(this, metrics, logger),
            When(OrderDelivered, Ahead).Park(this, metrics, logger),
            When(OrderCancelled, Ahead).Park(this, metrics, logger));

        During(AwaitingPayment,
            When(OrderPaid, InSequence)
                .Applied(metrics)
                .Then(c => c.Saga.PaidAt = c.Message.OccurredAt.ToUniversalTime())
                .Unschedule(PaymentTimeout)
                .Schedule(ShipmentTimeout, c => new ShipmentTimedOut { OrderId = c.Saga.CorrelationId })
                .TransitionTo(AwaitingShipment),
            When(OrderShipped, InSequence).Shipped(this, metrics),
            When(OrderDelivered, InSequence).Delivered(this, metrics),
            When(OrderCancelled, InSequence).Cancelled(this, metrics),
            When(PaymentTimeout.Received)
                .Then(_ => metrics.TimedOut("payment"))
                .Activity(x => x.OfType<RequestPaymentTimeoutCancellation>()),
            Ignore(ShipmentTimeout.Received));

        During(AwaitingShipment,
            When(OrderPaid, InSequence).PaidAgain(metrics, logger),
            When(OrderShipped, InSequence).Shipped(this, metrics),
            When(OrderDelivered, InSequence).Delivered(this, metrics),
            When(OrderCancelled, InSequence).Cancelled(this, metrics),
            When(ShipmentTimeout.Received)
                .Then(c =>
                {
                    c.Saga.ShipmentOverdueAt = DateTimeOffset.UtcNow;
                    c.Saga.UpdatedAt = DateTimeOffset.UtcNow;
                    metrics.TimedOut("shipment");
                    Log.ShipmentOverdue(logger, c.Saga.CorrelationId);
                })
                .TransitionTo(ShipmentOverdue),
            Ignore(PaymentTimeout.Received));

        // Visible to operators; a shipment arriving later still moves the order on.
        During(ShipmentOverdue,
            When(OrderPaid, InSequence).PaidAgain(metrics, logger),
            When(OrderShipped, InSequence).Shipped(this, metrics),
            When(OrderDelivered, InSequence).Delivered(this, metrics),
            When(OrderCancelled, InSequence).Cancelled(this, metrics),
            Ignore(PaymentTimeout.Received),
            Ignore(ShipmentTimeout.Received));

        During(InTransit,
            When(OrderPaid, InSequence).PaidAgain(metrics, logger),
            When(OrderShipped, InSequence).Applied(metrics),
            When(OrderDelivered, InSequence).Delivered(this, metrics),
            When(OrderCancelled, InSequence).Cancelled(this, metrics),
            Ignore(PaymentTimeout.Received),
            Ignore(ShipmentTimeout.Received));

        // Finished orders keep counting sequences, so a late payment is still recognised as needing a refund.
        During(Completed,
            When(OrderPaid, InSequence).PaidAgain(metrics, logger),
            When(OrderShipped, InSequence).Applied(metrics),
            When(OrderDelivered, InSequence).Applied(metrics),
            When(OrderCancelled, InSequence).Applied(metrics),
            Ignore(PaymentTimeout.Received),
            Ignore(ShipmentTimeout.Received));

        During(Cancelled,
            When(OrderPaid, InSequence).PaidAgain(metrics, logger),
            When(OrderShipped, InSequence).Applied(metrics),
            When(OrderDelivered, InSequence).Applied(metrics),
            When(OrderCancelled, InSequence).Applied(metrics),
            Ignore(PaymentTimeout.Received),
            Ignore(ShipmentTimeout.Received));

        // A parked order holds every later event back too (the gate above parks those further ahead), so that nothing
        // is applied past the gap; an operator replays or resolves it.
        During(Parked,
            When(OrderSubmitted, InSequence).Park(this, metrics, logger),
            When(OrderPaid, InSequence).Park(this, metrics, logger),
            When(OrderShipped, InSequence).Park(this, metrics, logger),
            When(OrderDelivered, InSequence).Park(this, metrics, logger),
            When(OrderCancelled, InSequence).Park(this, metrics, logger),
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

/// <summary>The chains the state machine repeats.</summary>
internal static class OrderFulfilmentActivities
{
    public static EventActivityBinder<OrderFulfilmentState, T> Applied<T>(
        this EventActivityBinder<OrderFulfilmentState, T> binder, OrdersProcessorMetrics metrics)
        where T : class, IOrderEvent =>
        binder.Then(c =>
        {
            c.Saga.LastSequence = c.Message.Sequence;
            c.Saga.UpdatedAt = DateTimeOffset.UtcNow;
            metrics.Applied(typeof(T).Name);
        });

    public static EventActivityBinder<OrderFulfilmentState, T> Duplicate<T>(
        this EventActivityBinder<OrderFulfilmentState, T> binder, OrdersProcessorMetrics metrics, ILogger logger)
        where T : class, IOrderEvent =>
        binder.Then(c =>
        {
            metrics.Duplicate(typeof(T).Name);
            Log.DuplicateIgnored(logger, c.Saga.CorrelationId, typeof(T).Name, c.Message.Sequence, c.Saga.LastSequence);
        });

    /// <summary>
    /// Holds the event back: the row records what it waits for and the newest it holds, and the timeouts are cancelled
    /// because a saga that missed an event must not decide anything on its own.
    /// </summary>
    public static EventActivityBinder<OrderFulfilmentState, T> Park<T>(
        this EventActivityBinder<OrderFulfilmentState, T> binder,
        OrderFulfilmentStateMachine machine,
        OrdersProcessorMetrics metrics,
        ILogger logger)
        where T : class, IOrderEvent =>
        binder
            .Then(c =>
            {
                var saga = c.Saga;
                var now = DateTimeOffset.UtcNow;
                if (saga.UserId == 0)
                {
                    saga.UserId = c.Message.UserId;
                }

                saga.ParkedAt ??= now;
                saga.ExpectedSequence = saga.LastSequence + 1;
                saga.ReceivedSequence = Math.Max(saga.ReceivedSequence ?? 0, c.Message.Sequence);
                saga.UpdatedAt = now;
                metrics.Parked(typeof(T).Name);
                Log.OrderParked(logger, saga.CorrelationId, saga.ExpectedSequence.Value, c.Message.Sequence, typeof(T).Name);
            })
            .Unschedule(machine.PaymentTimeout)
            .Unschedule(machine.ShipmentTimeout)
            .TransitionTo(machine.Parked);

    public static EventActivityBinder<OrderFulfilmentState, OrderPaid> PaidAgain(
        this EventActivityBinder<OrderFulfilmentState, OrderPaid> binder, OrdersProcessorMetrics metrics, ILogger logger) =>
        binder
            .Applied(metrics)
            .Then(c =>
            {
                c.Saga.RefundRequired = true;
                c.Saga.RefundAmount = (c.Saga.RefundAmount ?? 0) + c.Message.Amount;
                c.Saga.RefundCurrency = c.Message.Currency;
                metrics.RefundRequired();
                Log.RefundRequired(logger, c.Saga.CorrelationId, c.Saga.CurrentState, c.Message.Amount, c.Message.Currency);
            });

    public static EventActivityBinder<OrderFulfilmentState, OrderShipped> Shipped(
        this EventActivityBinder<OrderFulfilmentState, OrderShipped> binder,
        OrderFulfilmentStateMachine machine,
        OrdersProcessorMetrics metrics) =>
        binder
            .Applied(metrics)
            .Then(c => c.Saga.ShippedAt = c.Message.OccurredAt.ToUniversalTime())
            .Unschedule(machine.PaymentTimeout)
            .Unschedule(machine.ShipmentTimeout)
            .TransitionTo(machine.InTransit);

    public static EventActivityBinder<OrderFulfilmentState, OrderDelivered> Delivered(
        this EventActivityBinder<OrderFulfilmentState, OrderDelivered> binder,
        OrderFulfilmentStateMachine machine,
        OrdersProcessorMetrics metrics) =>
        binder
            .Applied(metrics)
            .Then(c => c.Saga.DeliveredAt = c.Message.OccurredAt.ToUniversalTime())
            .Unschedule(machine.PaymentTimeout)
            .Unschedule(machine.ShipmentTimeout)
            .TransitionTo(machine.Completed);

    public static EventActivityBinder<OrderFulfilmentState, OrderCancelled> Cancelled(
        this EventActivityBinder<OrderFulfilmentState, OrderCancelled> binder,
        OrderFulfilmentStateMachine machine,
        OrdersProcessorMetrics metrics) =>
        binder
            .Applied(metrics)
            .Then(c =>
            {
                c.Saga.CancelledAt = c.Message.OccurredAt.ToUniversalTime();
                c.Saga.CancellationReason = c.Message.Reason;
            })
            .Unschedule(machine.PaymentTimeout)
            .Unschedule(machine.ShipmentTimeout)
            .TransitionTo(machine.Cancelled);
}
