using MassTransit;
using Orders.Contracts;
using Orders.Processor.OrdersApi;
using Orders.Processor.SagaRepository;

namespace Orders.Processor.Fulfilment;

/// <summary>
/// Asks the Orders API to cancel an order whose payment deadline passed. The saga does not move to Cancelled here: the
/// API is the only writer of orders, and its OrderCancelled event moves the saga. The request holds only if the order is
/// still at the saga's last applied sequence: a payment the API accepted before the deadline but the saga has not
/// applied yet makes the API refuse, and the saga stays where it is until that OrderPaid arrives. A failure (API down)
/// propagates, so the timeout is not consumed and its delivery is retried.
/// </summary>
public sealed class RequestPaymentTimeoutCancellation(
    OrdersApiClient ordersApi,
    [FromKeyedServices(FulfilmentExtensions.ClockKey)] TimeProvider clock,
    ILogger<RequestPaymentTimeoutCancellation> logger)
    : IStateMachineActivity<OrderFulfilmentState, PaymentTimedOut>
{
    public async Task Execute(
        BehaviorContext<OrderFulfilmentState, PaymentTimedOut> context, IBehavior<OrderFulfilmentState, PaymentTimedOut> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var orderId = context.Saga.CorrelationId;
        var expectedSequence = context.Saga.LastSequence;
        // In a batch of deadlines, the batch's other deliveries go on while this one waits for the API.
        var outcome = await SagaBatchGate.OutsideAsync(context, () => ordersApi.RequestCancellationAsync(
            orderId, expectedSequence, OrderCancelled.PaymentTimeoutReason, context.CancellationToken));
        if (outcome.Accepted)
        {
            context.Saga.CancellationRequestedAt = clock.GetUtcNow();
            context.Saga.UpdatedAt = context.Saga.CancellationRequestedAt.Value;
            Log.CancellationRequested(logger, orderId);
        }
        else
        {
            Log.CancellationNotNeeded(logger, orderId, outcome.CurrentStatus ?? "unknown");
        }

        await next.Execute(context);
    }

    public Task Faulted<TException>(
        BehaviorExceptionContext<OrderFulfilmentState, PaymentTimedOut, TException> context,
        IBehavior<OrderFulfilmentState, PaymentTimedOut> next)
        where TException : Exception
    {
        ArgumentNullException.ThrowIfNull(next);
        return next.Faulted(context);
    }

    public void Probe(ProbeContext context) => context?.CreateScope("request-payment-timeout-cancellation");

    public void Accept(StateMachineVisitor visitor) => visitor?.Visit(this);
}
