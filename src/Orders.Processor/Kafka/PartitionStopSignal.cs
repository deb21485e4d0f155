namespace Orders.Processor.Kafka;

/// <summary>
/// How a partition worker is told to stop: at once it takes no further record and cuts any retry wait short; a grace
/// period later the attempt in flight is cancelled too, so a revocation never waits on a database that does not answer.
/// </summary>
internal sealed class PartitionStopSignal : IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly CancellationTokenSource inFlight = new();

    /// <summary>Cancelled when the worker is told to stop: no new record, no further wait.</summary>
    public CancellationToken Stopping => stopping.Token;

    /// <summary>Cancels the saga transaction or dead-letter write in flight; a grace period after <see cref="Stopping"/>.</summary>
    public CancellationToken InFlight => inFlight.Token;

    public bool IsStopping => stopping.IsCancellationRequested;

    public void Stop(TimeSpan grace)
    {
        stopping.Cancel();
        inFlight.CancelAfter(grace);
    }

    public void Dispose()
    {
        stopping.Dispose();
        inFlight.Dispose();
    }
}
