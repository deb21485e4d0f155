using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Orders.Contracts;

namespace Orders.Processor.Tests.Kafka;

/// <summary>
/// What the test consumers behind the mediator received, in the order they completed (inside a batch: in the order
/// the batch committed); can make them fail, and hold batches before they commit.
/// </summary>
public sealed class EventJournal
{
    // The events of the batch this flow is in, applied only if the batch commits: a database transaction in miniature.
    private static readonly AsyncLocal<List<IOrderEvent>?> Batch = new();
    private readonly ConcurrentQueue<IOrderEvent> applied = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource> commitHolds = new();
    private int pending;
    private int batchesCommitted;
    private int heldBatches;
    private readonly ConcurrentDictionary<(Guid, int), int> failuresLeft = new();
    private readonly ConcurrentDictionary<(Guid, int), int> attempts = new();
    private readonly ConcurrentDictionary<(Guid, int), TaskCompletionSource> holds = new();
    private readonly ConcurrentDictionary<(Guid, int), Exception> crashes = new();
    private int failAfter = int.MaxValue;
    private int commitFailuresLeft;
    private int appliedAlone;

    public IReadOnlyList<IOrderEvent> Applied => [.. applied];

    /// <summary>Events sent in a batch that has not committed yet.</summary>
    public int Pending => Volatile.Read(ref pending);

    public int BatchesCommitted => Volatile.Read(ref batchesCommitted);

    /// <summary>Events applied outside a batch: each one a transaction of its own.</summary>
    public int AppliedAlone => Volatile.Read(ref appliedAlone);

    /// <summary>Batches waiting for a hold from <see cref="HoldCommitsOf"/> to be released.</summary>
    public int HeldBatches => Volatile.Read(ref heldBatches);

    /// <summary>Batches holding an event of this user wait before committing until the returned source is completed.</summary>
    public TaskCompletionSource HoldCommitsOf(long userId) =>
        commitHolds.GetOrAdd(userId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Runs <paramref name="body"/> as one batch: its events count as applied only if it completes.</summary>
    public async Task RunBatchAsync(Func<Task> body)
    {
        var batch = new List<IOrderEvent>();
        Batch.Value = batch;
        try
        {
            await body();
        }
        finally
        {
            Batch.Value = null;
            Interlocked.Add(ref pending, -batch.Count);
        }

        if (Interlocked.Decrement(ref commitFailuresLeft) >= 0)
        {
            throw new DbUpdateConcurrencyException("Another writer changed a saga row of the batch.");
        }

        foreach (var userId in batch.Select(e => e.UserId).Distinct())
        {
            if (commitHolds.TryGetValue(userId, out var hold))
            {
                Interlocked.Increment(ref heldBatches);
                await hold.Task;
                Interlocked.Decrement(ref heldBatches);
            }
        }

        foreach (var orderEvent in batch)
        {
            applied.Enqueue(orderEvent);
        }

        Interlocked.Increment(ref batchesCommitted);
    }

    /// <summary>The next <paramref name="times"/> attempts at this event throw, as a database outage would.</summary>
    public void FailTimes(IOrderEvent orderEvent, int times) => failuresLeft[orderEvent.Identity()] = times;

    /// <summary>Every attempt at this event throws <paramref name="exception"/>: a bug no retry gets past.</summary>
    public void FailAlways(IOrderEvent orderEvent, Exception exception) => crashes[orderEvent.Identity()] = exception;

    /// <summary>The next <paramref name="times"/> batches fail as they commit, as a concurrent writer of a saga row makes them.</summary>
    public void FailCommits(int times) => commitFailuresLeft = times;

    /// <summary>Once this many events were applied, every further attempt throws: a crash in slow motion.</summary>
    public void FailAfter(int count) => failAfter = count;

    /// <summary>Attempts at this event wait until the returned source is completed, as a slow transaction would.</summary>
    public TaskCompletionSource HoldAt(IOrderEvent orderEvent) =>
        holds.GetOrAdd(orderEvent.Identity(), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public int AttemptsAt(IOrderEvent orderEvent) => attempts.GetValueOrDefault(orderEvent.Identity());

    public async Task ApplyAsync(IOrderEvent orderEvent)
    {
        attempts.AddOrUpdate(orderEvent.Identity(), 1, (_, n) => n + 1);
        if (holds.TryGetValue(orderEvent.Identity(), out var hold))
        {
            await hold.Task;
        }

        if (crashes.TryGetValue(orderEvent.Identity(), out var crash))
        {
            throw crash;
        }

        if (applied.Count + Pending >= Volatile.Read(ref failAfter))
        {
            throw new TimeoutException("The database is down.");
        }

        if (failuresLeft.TryGetValue(orderEvent.Identity(), out var left) && left > 0)
        {
            failuresLeft[orderEvent.Identity()] = left - 1;
            throw new TimeoutException($"Transient failure, {left - 1} to go.");
        }

        if (Batch.Value is { } batch)
        {
            batch.Add(orderEvent);
            Interlocked.Increment(ref pending);
        }
        else
        {
            Interlocked.Increment(ref appliedAlone);
            applied.Enqueue(orderEvent);
        }
    }
}
