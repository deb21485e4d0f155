using MassTransit;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// Lets the messages of one <see cref="SagaBatch{TSaga}"/> be sent at the same time without sharing its DbContext and
/// timeout writes between threads: each message holds the gate while it runs, and lets go of it only around a call that
/// leaves the process (<see cref="OutsideAsync{T}"/>), so the batch's other messages run while it waits. A payload of
/// the batch's repository context; outside a batch there is none, and the call just runs.
/// </summary>
internal sealed class SagaBatchGate : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>
    /// Runs <paramref name="call"/> with the gate let go when <paramref name="context"/> belongs to a saga batch. The
    /// call must not touch the saga's DbContext or timeout writes; the saga instance belongs to its message alone.
    /// </summary>
    public static async Task<T> OutsideAsync<T>(PipeContext context, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(call);
        if (!context.TryGetPayload<SagaBatchGate>(out var batchGate))
        {
            return await call();
        }

        batchGate.Exit();
        try
        {
            return await call();
        }
        finally
        {
            // Not cancellable: whoever entered must hold the gate again when it exits, or the count goes wrong.
            await batchGate.EnterAsync();
        }
    }

    internal Task EnterAsync() => gate.WaitAsync();

    internal void Exit() => gate.Release();

    public void Dispose() => gate.Dispose();
}
