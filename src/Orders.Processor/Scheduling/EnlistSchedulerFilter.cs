using System.Data.Common;
using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using Quartz;

namespace Orders.Processor.Scheduling;

/// <summary>
/// Runs a saga message's activities with the Quartz store enlisted in the saga's database transaction, so a timeout is
/// scheduled or cancelled exactly when the saga row commits. Also gives the saga the message scheduler the mediator
/// lacks. Stands in for MassTransit.Quartz (see README.md in this folder).
/// </summary>
public sealed class EnlistSchedulerFilter<TSaga>(ISchedulerFactory schedulerFactory, IScheduleMessageProvider provider)
    : IFilter<SagaConsumeContext<TSaga>>
    where TSaga : class, ISaga
{
    public async Task Send(SagaConsumeContext<TSaga> context, IPipe<SagaConsumeContext<TSaga>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        var transaction = context.GetPayload<DbTransaction>();
        var scheduler = await schedulerFactory.GetScheduler(context.CancellationToken);
        context.GetOrAddPayload<MessageSchedulerContext>(() =>
            new ConsumeMessageSchedulerContext(context, _ => new MessageScheduler(provider, NoPublishTopology.Instance)));

        using (scheduler.EnlistTransaction(transaction))
        {
            await next.Send(context);
        }
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("quartz-enlistment");
}
