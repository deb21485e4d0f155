using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using Orders.Processor.Scheduling;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// The in-memory back-end's stand-in for <see cref="SagaTransactionSchedulerFilter{TSaga}"/>: the saga's
/// <c>Schedule</c>/<c>Unschedule</c> become changes to the <see cref="VirtualTimeoutTable"/>.
/// </summary>
internal sealed class VirtualTimeoutSchedulerFilter<TSaga>(VirtualTimeoutTable table) : IFilter<SagaConsumeContext<TSaga>>
    where TSaga : class, ISaga
{
    public Task Send(SagaConsumeContext<TSaga> context, IPipe<SagaConsumeContext<TSaga>> next)
    {
        var provider = new Provider(table, context.Saga.CorrelationId);
        MessageSchedulerContext Create() =>
            new ConsumeMessageSchedulerContext(context, _ => new MessageScheduler(provider, NoPublishTopology.Instance));
        context.AddOrUpdatePayload(Create, _ => Create());
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("virtual-timeout-scheduler");

    private sealed class Provider(VirtualTimeoutTable table, Guid correlationId) : IScheduleMessageProvider
    {
        public Task<ScheduledMessage<T>> ScheduleSend<T>(
            Uri destinationAddress, DateTime scheduledTime, T message, IPipe<SendContext<T>> pipe, CancellationToken cancellationToken)
            where T : class
        {
            var tokenId = NewId.NextGuid();
            var dueAt = new DateTimeOffset(DateTime.SpecifyKind(scheduledTime, DateTimeKind.Utc));
            table.Schedule(new VirtualTimeout(tokenId, correlationId, typeof(T), message, dueAt));
            return Task.FromResult<ScheduledMessage<T>>(new ScheduledMessageHandle<T>(tokenId, scheduledTime, destinationAddress, message));
        }

        public Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken)
        {
            table.Cancel(tokenId);
            return Task.CompletedTask;
        }

        public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) =>
            CancelScheduledSend(tokenId, cancellationToken);
    }
}
