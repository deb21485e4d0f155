using System.Text.Json;
using MassTransit;
using MassTransit.Scheduling;

namespace Orders.Processor.Scheduling;

/// <summary>
/// MassTransit's scheduling seam for one saga message: scheduling adds a row for <c>fulfilment.scheduled_timeout</c> and
/// cancelling removes it, both written in the saga's own transaction just before it commits
/// (<see cref="PendingTimeoutWrites"/>), so a timeout changes exactly when the saga row commits. Plain row writes take no
/// lock beyond the row itself, so saga transactions that schedule do not wait for each other. Built per message by
/// <see cref="SagaTransactionSchedulerFilter{TSaga}"/>.
/// </summary>
internal sealed class SagaTransactionScheduleMessageProvider(PendingTimeoutWrites writes, Guid correlationId)
    : IScheduleMessageProvider
{
    public Task<ScheduledMessage<T>> ScheduleSend<T>(
        Uri destinationAddress, DateTime scheduledTime, T message, IPipe<SendContext<T>> pipe, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        var tokenId = NewId.NextGuid();
        var dueAt = scheduledTime.Kind == DateTimeKind.Local
            ? new DateTimeOffset(scheduledTime.ToUniversalTime(), TimeSpan.Zero)
            : new DateTimeOffset(DateTime.SpecifyKind(scheduledTime, DateTimeKind.Utc), TimeSpan.Zero);

        writes.Schedule(tokenId, correlationId, typeof(T).FullName!, JsonSerializer.Serialize(message), dueAt);
        return Task.FromResult<ScheduledMessage<T>>(new ScheduledMessageHandle<T>(tokenId, scheduledTime, destinationAddress, message));
    }

    public Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken)
    {
        writes.Cancel(tokenId);
        return Task.CompletedTask;
    }

    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) =>
        CancelScheduledSend(tokenId, cancellationToken);
}
