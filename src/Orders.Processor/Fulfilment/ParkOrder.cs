using MassTransit;
using Orders.Contracts;

namespace Orders.Processor.Fulfilment;

/// <summary>
/// Records on the saga row why an order is parked: the sequence it waits for (last applied + 1) and the newest one
/// held back, with a warning and the <c>orders.fulfilment.parked</c> count. The row may be new (the order's first
/// event was not its submission), so it also takes the user id from the event.
/// </summary>
public sealed class ParkOrder<T>(
    OrdersProcessorMetrics metrics, [FromKeyedServices(FulfilmentExtensions.ClockKey)] TimeProvider clock, ILogger<ParkOrder<T>> logger)
    : IStateMachineActivity<OrderFulfilmentState, T>
    where T : class, IOrderEvent
{
    public Task Execute(BehaviorContext<OrderFulfilmentState, T> context, IBehavior<OrderFulfilmentState, T> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var saga = context.Saga;
        var now = clock.GetUtcNow();
        if (saga.UserId == 0)
        {
            saga.UserId = context.Message.UserId;
        }

        saga.ParkedAt ??= now;
        saga.ExpectedSequence = saga.LastSequence + 1;
        saga.ReceivedSequence = Math.Max(saga.ReceivedSequence ?? 0, context.Message.Sequence);
        saga.UpdatedAt = now;
        metrics.Parked(typeof(T).Name);
        Log.OrderParked(logger, saga.CorrelationId, saga.ExpectedSequence.Value, context.Message.Sequence, typeof(T).Name);
        return next.Execute(context);
    }

    public Task Faulted<TException>(
        BehaviorExceptionContext<OrderFulfilmentState, T, TException> context, IBehavior<OrderFulfilmentState, T> next)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(next);
        return next.Faulted(context);
    }

    public void Probe(ProbeContext context) => context?.CreateScope("park-order");

    public void Accept(StateMachineVisitor visitor) => visitor?.Visit(this);
}
