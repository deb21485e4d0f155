using MassTransit;
using Orders.Contracts;

namespace Orders.Processor.Fulfilment;

/// <summary>The chains the state machine repeats.</summary>
internal static class OrderFulfilmentActivities
{
    public static EventActivityBinder<OrderFulfilmentState, T> Applied<T>(
        this EventActivityBinder<OrderFulfilmentState, T> binder, OrderFulfilmentStateMachine machine)
        where T : class, IOrderEvent =>
        binder.Then(c =>
        {
            c.Saga.LastSequence = c.Message.Sequence;
            c.Saga.UpdatedAt = machine.Clock.GetUtcNow();
            machine.Metrics.Applied(typeof(T).Name);
        });

    public static EventActivityBinder<OrderFulfilmentState, T> Duplicate<T>(
        this EventActivityBinder<OrderFulfilmentState, T> binder, OrderFulfilmentStateMachine machine)
        where T : class, IOrderEvent =>
        binder.Then(c =>
        {
            machine.Metrics.Duplicate(typeof(T).Name);
            Log.DuplicateIgnored(machine.Logger, c.Saga.CorrelationId, typeof(T).Name, c.Message.Sequence, c.Saga.LastSequence);
        });

    /// <summary>
    /// Holds the event back (<see cref="ParkOrder{T}"/>) and cancels both deadlines, because a saga that missed an
    /// event must not decide anything on its own.
    /// </summary>
    public static EventActivityBinder<OrderFulfilmentState, T> Park<T>(
        this EventActivityBinder<OrderFulfilmentState, T> binder, OrderFulfilmentStateMachine machine)
        where T : class, IOrderEvent =>
        binder
            .Activity(x => x.OfType<ParkOrder<T>>())
            .Unschedule(machine.PaymentTimeout)
            .Unschedule(machine.ShipmentTimeout)
            .TransitionTo(machine.Parked);

    public static EventActivityBinder<OrderFulfilmentState, OrderPaid> PaidAgain(
        this EventActivityBinder<OrderFulfilmentState, OrderPaid> binder, OrderFulfilmentStateMachine machine) =>
        binder
            .Applied(machine)
            .Then(c =>
            {
                c.Saga.RefundRequired = true;
                c.Saga.RefundAmount = (c.Saga.RefundAmount ?? 0) + c.Message.Amount;
                c.Saga.RefundCurrency = c.Message.Currency;
                machine.Metrics.RefundRequired();
                Log.RefundRequired(machine.Logger, c.Saga.CorrelationId, c.Saga.CurrentState, c.Message.Amount, c.Message.Currency);
            });

    public static EventActivityBinder<OrderFulfilmentState, OrderShipped> Shipped(
        this EventActivityBinder<OrderFulfilmentState, OrderShipped> binder, OrderFulfilmentStateMachine machine) =>
        binder
            .Applied(machine)
            .Then(c => c.Saga.ShippedAt = c.Message.OccurredAt.ToUniversalTime())
            .Unschedule(machine.PaymentTimeout)
            .Unschedule(machine.ShipmentTimeout)
            .TransitionTo(machine.InTransit);

    public static EventActivityBinder<OrderFulfilmentState, OrderDelivered> Delivered(
        this EventActivityBinder<OrderFulfilmentState, OrderDelivered> binder, OrderFulfilmentStateMachine machine) =>
        binder
            .Applied(machine)
            .Then(c => c.Saga.DeliveredAt = c.Message.OccurredAt.ToUniversalTime())
            .Unschedule(machine.PaymentTimeout)
            .Unschedule(machine.ShipmentTimeout)
            .TransitionTo(machine.Completed);

    public static EventActivityBinder<OrderFulfilmentState, OrderCancelled> Cancelled(
        this EventActivityBinder<OrderFulfilmentState, OrderCancelled> binder, OrderFulfilmentStateMachine machine) =>
        binder
            .Applied(machine)
            .Then(c =>
            {
                c.Saga.CancelledAt = c.Message.OccurredAt.ToUniversalTime();
                c.Saga.CancellationReason = c.Message.Reason;
            })
            .Unschedule(machine.PaymentTimeout)
            .Unschedule(machine.ShipmentTimeout)
            .TransitionTo(machine.Cancelled);
}
