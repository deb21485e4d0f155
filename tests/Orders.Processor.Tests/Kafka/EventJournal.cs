using System.Collections.Concurrent;
using Orders.Contracts;

namespace Orders.Processor.Tests.Kafka;

/// <summary>What the test consumers behind the mediator received, in the order they completed; can make them fail.</summary>
public sealed class EventJournal
{
    private readonly ConcurrentQueue<IOrderEvent> applied = new();
    private readonly ConcurrentDictionary<(Guid, int), int> failuresLeft = new();
    private readonly ConcurrentDictionary<(Guid, int), int> attempts = new();
    private readonly ConcurrentDictionary<(Guid, int), TaskCompletionSource> holds = new();
    private int failAfter = int.MaxValue;

    public IReadOnlyList<IOrderEvent> Applied => [.. applied];

    /// <summary>The next <paramref name="times"/> attempts at this event throw, as a database outage would.</summary>
    public void FailTimes(IOrderEvent orderEvent, int times) => failuresLeft[orderEvent.Identity()] = times;

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

        if (applied.Count >= Volatile.Read(ref failAfter))
        {
            throw new InvalidOperationException("The database is down.");
        }

        if (failuresLeft.TryGetValue(orderEvent.Identity(), out var left) && left > 0)
        {
            failuresLeft[orderEvent.Identity()] = left - 1;
            throw new InvalidOperationException($"Transient failure, {left - 1} to go.");
        }

        applied.Enqueue(orderEvent);
    }
}
