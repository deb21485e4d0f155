using System.Text.Json;
using MassTransit;
using MassTransit.Scheduling;
using Microsoft.Extensions.Options;
using Quartz;

namespace Orders.Processor.Scheduling;

/// <summary>
/// MassTransit's scheduling seam on Quartz: one job per scheduled message, named by its token id. Run inside
/// <see cref="EnlistSchedulerFilter{TSaga}"/>, so the job rows commit with the saga. Stands in for MassTransit.Quartz
/// (see README.md in this folder).
/// </summary>
public sealed class QuartzScheduleMessageProvider(ISchedulerFactory schedulerFactory, IOptions<SchedulingOptions> options)
    : IScheduleMessageProvider
{
    public async Task<ScheduledMessage<T>> ScheduleSend<T>(
        Uri destinationAddress, DateTime scheduledTime, T message, IPipe<SendContext<T>> pipe, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        var tokenId = NewId.NextGuid();
        var dueAt = scheduledTime.Kind == DateTimeKind.Local
            ? new DateTimeOffset(scheduledTime.ToUniversalTime(), TimeSpan.Zero)
            : new DateTimeOffset(DateTime.SpecifyKind(scheduledTime, DateTimeKind.Utc), TimeSpan.Zero);

        var job = JobBuilder.Create<ScheduledMessageJob>()
            .WithIdentity(ScheduledMessageJob.JobKeyFor(tokenId))
            .UsingJobData(ScheduledMessageJob.MessageTypeKey, typeof(T).FullName!)
            .UsingJobData(ScheduledMessageJob.MessageKey, JsonSerializer.Serialize(message))
            .UsingJobData(ScheduledMessageJob.TokenIdKey, tokenId.ToString("D"))
            // A node that dies while delivering leaves the job to be run again by the next one.
            .RequestRecovery()
            .Build();
        var trigger = ScheduledMessageJob.TriggerFor(tokenId, dueAt, options.Value.RetryInterval);

        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        await scheduler.ScheduleJob(job, trigger, default, cancellationToken);
        return new ScheduledMessageHandle<T>(tokenId, scheduledTime, destinationAddress, message);
    }

    public async Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        await scheduler.DeleteJob(ScheduledMessageJob.JobKeyFor(tokenId), cancellationToken);
    }

    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) =>
        CancelScheduledSend(tokenId, cancellationToken);
}
