using System.Diagnostics;

namespace Orders.Benchmark.Measure;

/// <summary>Samples the relay's and the processor's lag every <see cref="Interval"/> into a time series.</summary>
internal sealed class LagMonitor : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly RelayLag relay;
    private readonly ProcessorLag processor;
    private readonly EndToEndTracker tracker;
    private readonly PeriodicSampler sampler;
    private readonly long start = Stopwatch.GetTimestamp();
    private readonly List<LagSample> samples = [];

    public LagMonitor(RelayLag relay, ProcessorLag processor, EndToEndTracker tracker)
    {
        this.relay = relay;
        this.processor = processor;
        this.tracker = tracker;
        sampler = new PeriodicSampler(SampleAsync, Interval);
    }

    public LagSample? Latest { get; private set; }

    /// <summary>Seconds since the monitor was created, on the same scale as <see cref="LagSample.Seconds"/>.</summary>
    public double Elapsed => Stopwatch.GetElapsedTime(start).TotalSeconds;

    public IReadOnlyList<LagSample> Samples
    {
        get
        {
            lock (samples)
            {
                return samples.ToList();
            }
        }
    }

    public void Start() => sampler.Start();

    /// <summary>Waits until a sample taken after now satisfies <paramref name="done"/>; returns when that sample was taken.</summary>
    public async Task<TimeSpan?> WaitUntilAsync(Func<LagSample, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var since = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (Latest is { } sample && sample.Seconds > since && done(sample))
            {
                return TimeSpan.FromSeconds(sample.Seconds - since);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), cancellationToken);
        }

        return null;
    }

    public ValueTask DisposeAsync() => sampler.DisposeAsync();

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        var relayRows = await relay.PendingRowsAsync(cancellationToken);
        var processorEvents = processor.Measure();
        var sample = new LagSample(
            Math.Round(Stopwatch.GetElapsedTime(start).TotalSeconds, 3), relayRows, processorEvents, tracker.Outstanding);
        lock (samples)
        {
            samples.Add(sample);
        }

        Latest = sample;
    }
}
