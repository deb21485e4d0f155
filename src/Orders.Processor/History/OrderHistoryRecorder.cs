using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orders.Contracts;
using Orders.Processor.Fulfilment;

namespace Orders.Processor.History;

/// <summary>
/// Watches the fulfilment state machine from outside, so its body stays free of bookkeeping: every event it applies
/// adds an <see cref="OrderHistoryEntry"/> to the DbContext of the message, which the saga repository saves and
/// commits with the saga row (or rolls back with it). Repeated order events and timeouts whose token no longer matches
/// change nothing, so they record nothing either.
/// </summary>
public sealed class OrderHistoryRecorder : IEventObserver<OrderFulfilmentState>
{
    // The state before each event in flight on a saga; a timeout raises its Received event inside AnyReceived.
    private readonly ConditionalWeakTable<OrderFulfilmentState, Stack<Before>> inFlight = [];

    public Task PreExecute(BehaviorContext<OrderFulfilmentState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Push(context.Saga);
        return Task.CompletedTask;
    }

    public Task PreExecute<T>(BehaviorContext<OrderFulfilmentState, T> context)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        Push(context.Saga);
        return Task.CompletedTask;
    }

    public Task PostExecute(BehaviorContext<OrderFulfilmentState> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Pop(context.Saga);
        return Task.CompletedTask;
    }

    public Task PostExecute<T>(BehaviorContext<OrderFulfilmentState, T> context)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        var before = Pop(context.Saga);
        var sequence = (context.Message as IOrderEvent)?.Sequence;
        var repeated = sequence is not null && sequence <= before.LastSequence;
        // AnyReceived fires for every delivery of a timeout; only its nested Received means the token matched.
        var timeoutWrapper = sequence is null && context.Event.Name.EndsWith("AnyReceived", StringComparison.Ordinal);
        if (repeated || timeoutWrapper || !context.TryGetPayload<DbContext>(out var dbContext))
        {
            return Task.CompletedTask;
        }

        dbContext.Set<OrderHistoryEntry>().Add(new OrderHistoryEntry
        {
            OrderId = context.Saga.CorrelationId,
            Event = context.Event.Name,
            Sequence = sequence,
            StateBefore = before.State,
            StateAfter = context.Saga.CurrentState,
            KafkaPartition = Header(context, OrderHistoryHeaders.KafkaPartition) is { } partition ? (int)partition : null,
            KafkaOffset = Header(context, OrderHistoryHeaders.KafkaOffset),
            TraceId = Activity.Current?.TraceId.ToHexString(),
            RecordedAt = DateTimeOffset.UtcNow,
        });
        return Task.CompletedTask;
    }

    public Task ExecuteFault(BehaviorContext<OrderFulfilmentState> context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        Pop(context.Saga);
        return Task.CompletedTask;
    }

    public Task ExecuteFault<T>(BehaviorContext<OrderFulfilmentState, T> context, Exception exception)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        Pop(context.Saga);
        return Task.CompletedTask;
    }

    private static long? Header(ConsumeContext context, string name) =>
        context.Headers.Get<string>(name) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private void Push(OrderFulfilmentState saga) =>
        inFlight.GetOrCreateValue(saga).Push(new Before(saga.CurrentState is "Initial" ? null : saga.CurrentState, saga.LastSequence));

    private Before Pop(OrderFulfilmentState saga) =>
        inFlight.TryGetValue(saga, out var stack) && stack.TryPop(out var before) ? before : new Before(null, 0);

    private sealed record Before(string? State, int LastSequence);
}
