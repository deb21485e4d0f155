using System.Text.Json;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.Options;
using Quartz;

namespace Orders.Processor.Scheduling;

/// <summary>
/// Delivers a due message into the mediator, carrying its token id so the saga can tell a current timeout from a stale
/// one. A failed delivery reschedules the same trigger with backoff rather than completing, so the timeout is only
/// gone once the saga has committed its effect.
/// </summary>
internal sealed class ScheduledMessageJob(
    IMediator mediator, IOptions<SchedulingOptions> options, ILogger<ScheduledMessageJob> logger) : IJob
{
    public const string Group = "fulfilment-timeouts";
    public const string MessageTypeKey = "message-type";
    public const string MessageKey = "message";
    public const string TokenIdKey = "token-id";
    private const string AttemptKey = "attempt";

    public static JobKey JobKeyFor(Guid tokenId) => new(tokenId.ToString("D"), Group);

    public static ITrigger TriggerFor(Guid tokenId, DateTimeOffset dueAt, int attempt) =>
        TriggerBuilder.Create()
            .WithIdentity(tokenId.ToString("D"), Group)
            .ForJob(JobKeyFor(tokenId))
            .StartAt(dueAt)
            .UsingJobData(AttemptKey, attempt)
            // A deadline that passed while no processor ran fires as soon as one runs again.
            .WithSimpleSchedule(s => s.WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
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
            var attempt = (data.TryGetInt(AttemptKey, out var previous) ? previous : 0) + 1;
            var delay = TimeSpan.FromTicks(Math.Min(
                options.Value.RetryDelay.Ticks * (1L << Math.Min(attempt - 1, 20)), options.Value.MaxRetryDelay.Ticks));
            var retryAt = DateTimeOffset.UtcNow + delay;
            Log.TimeoutDeliveryFailed(logger, exception, messageType.Name, tokenId, attempt, retryAt);

            // Rescheduling the firing trigger keeps the job: Quartz re-reads the trigger before deleting a completed one.
            // Not cancellable: at shutdown this is exactly the write that keeps the timeout.
            await context.Scheduler.RescheduleJob(
                context.Trigger.Key, TriggerFor(tokenId, retryAt, attempt), CancellationToken.None);
        }
    }
}
