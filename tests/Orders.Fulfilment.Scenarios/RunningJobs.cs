using System.Collections.Concurrent;
using Quartz;

namespace Orders.Fulfilment.Scenarios;

/// <summary>The firings of the Quartz clock job that are running; told by Quartz before and after each.</summary>
internal sealed class RunningJobs : IJobListener
{
    // By fire instance, so a firing that began before this listener was added is never counted below zero.
    private readonly ConcurrentDictionary<string, bool> running = new();

    public string Name => "scenario-running-jobs";

    public bool Any => !running.IsEmpty;

    public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        running[context.FireInstanceId] = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        ValueTask.CompletedTask;

    public ValueTask JobWasExecuted(
        IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
    {
        running.TryRemove(context.FireInstanceId, out _);
        return ValueTask.CompletedTask;
    }
}
