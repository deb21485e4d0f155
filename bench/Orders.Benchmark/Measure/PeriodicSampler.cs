namespace Orders.Benchmark.Measure;

/// <summary>
/// Runs one sample, then waits an interval, on a background task from <see cref="Start"/> until disposed. Disposing
/// twice is allowed, so that a phase can stop sampling before the end of the scope that owns the sampler.
/// </summary>
internal sealed class PeriodicSampler(Func<CancellationToken, Task> sampleOnce, TimeSpan interval) : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private Task? sampling;
    private bool disposed;

    public void Start() => sampling = Task.Run(() => SampleAsync(stopping.Token));

    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await stopping.CancelAsync();
        if (sampling is not null)
        {
            try
            {
                await sampling;
            }
            catch (OperationCanceledException)
            {
                // Stopped between samples.
            }
        }

        stopping.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await sampleOnce(cancellationToken);
            await Task.Delay(interval, cancellationToken);
        }
    }
}
