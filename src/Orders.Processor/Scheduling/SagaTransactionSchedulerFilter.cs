using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;

namespace Orders.Processor.Scheduling;

/// <summary>
/// Gives a saga message the message scheduler the mediator lacks, bound to that message's database transaction (the
/// repository's <see cref="PendingTimeoutWrites"/> payload): the saga's <c>Schedule</c>/<c>Unschedule</c> become row
/// writes that commit or roll back with the saga row (see README.md in this folder).
/// </summary>
public sealed class SagaTransactionSchedulerFilter<TSaga> : IFilter<SagaConsumeContext<TSaga>>
    where TSaga : class, ISaga
{
    public Task Send(SagaConsumeContext<TSaga> context, IPipe<SagaConsumeContext<TSaga>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var writes = context.GetPayload<PendingTimeoutWrites>();
        var provider = new SagaTransactionScheduleMessageProvider(writes, context.Saga.CorrelationId);
        // Replaced, not reused: a retried message runs in a new transaction, and its scheduler must write in that one.
        MessageSchedulerContext Create() =>
            new ConsumeMessageSchedulerContext(context, _ => new MessageScheduler(provider, NoPublishTopology.Instance));
        context.AddOrUpdatePayload(Create, _ => Create());
        // A delivered timeout's row goes with the saga change that consumed it: once that commits, it is never delivered
        // again, whatever happens to the node that delivered it.
        if (context.Headers.Get<Guid>(MessageHeaders.SchedulingTokenId) is { } delivered)
        {
            writes.Cancel(delivered);
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("saga-transaction-scheduler");
}
