using System.Text.Json;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.Options;
using Quartz;

namespace Orders.Processor.Scheduling;

/// <summary>
/// Delivers a due message into the mediator, carrying its token id so the saga can tell a current timeout from a stale
/// one. The trigger repeats until a delivery succeeds and this job deletes itself: a failed delivery (API down, node
/// shutting down, crash) leaves the timeout in the store to fire again, so it is only gone once the saga committed.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class ScheduledMessageJob(
    IMediator mediator, IOptions<SchedulingOptions> options, ILogger<ScheduledMessageJob> logger) : IJob
{
    public const string Group = "fulfilment-timeouts";
    public const string MessageTypeKey = "message-type";
    public const string MessageKey = "message";
    public const string TokenIdKey = "token-id";

    public static JobKey JobKeyFor(Guid tokenId) => new(tokenId.ToString("D"), Group);

    public static ITrigger TriggerFor(Guid tokenId, DateTimeOffset dueAt, TimeSpan retryInterval) =>
        TriggerBuilder.Create()
            .WithIdentity(tokenId.ToString("D"), Group)
            .ForJob(JobKeyFor(tokenId))
            .StartAt(dueAt)
            // Fires now if the deadline passed while no processor ran, then again every retry interval until the job
            // deletes itself after a successful delivery.
            .WithSimpleSchedule(s => s
                .WithInterval(retryInterval)
                .RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount))
            .Build();

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.MergedJobDataMap;
        var typeName = data.GetString(MessageTypeKey)!;
        var tokenId = Guid.Parse(data.GetString(TokenIdKey)!);
        var messageType = typeof(ScheduledMessageJob).Assembly.GetType(typeName, throwOnError: true)!;
        var message = JsonSerializer.Deserialize(data.GetString(MessageKey)!, messageType)!;

        try
        {
            await mediator.Send(
                message,
                messageType,
                Pipe.Execute<SendContext>(send => send.Headers.Set(MessageHeaders.SchedulingTokenId, tokenId.ToString("D"))),
                cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Returning normally keeps the repeating trigger: the next firing is the retry.
            Log.TimeoutDeliveryFailed(
                logger, exception, messageType.Name, tokenId, context.RefireCount, DateTimeOffset.UtcNow + options.Value.RetryInterval);
            return;
        }

        // Not cancellable: the saga has committed, and a leftover job would only fire once more as a stale timeout.
        await context.Scheduler.DeleteJob(context.JobDetail.Key, CancellationToken.None);
    }
}
