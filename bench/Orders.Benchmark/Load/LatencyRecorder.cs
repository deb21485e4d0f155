using System.Diagnostics;
using HdrHistogram;
using Orders.Benchmark.Report;

namespace Orders.Benchmark.Load;

/// <summary>
/// A latency histogram in microseconds (up to one hour, three significant digits) that may be read while it is being
/// written: HdrHistogram's readers refuse a histogram that changes under them, so both sides take a lock.
/// </summary>
internal sealed class LatencyRecorder
{
    private const long HighestMicroseconds = 3_600_000_000;
    private readonly LongHistogram histogram = new(1, HighestMicroseconds, 3);
    private readonly Lock gate = new();

    public void RecordStopwatchTicks(long ticks) => RecordMicroseconds(ticks * 1_000_000 / Stopwatch.Frequency);

    public void Record(TimeSpan latency) => RecordMicroseconds((long)latency.TotalMicroseconds);

    public LatencySummary Summarize()
    {
        lock (gate)
        {
            return LatencySummary.From(histogram);
        }
    }

    /// <summary>A copy that no longer changes.</summary>
    public HistogramBase Snapshot()
    {
        lock (gate)
        {
            return histogram.Copy();
        }
    }

    private void RecordMicroseconds(long microseconds)
    {
        lock (gate)
        {
            histogram.RecordValue(Math.Clamp(microseconds, 1, HighestMicroseconds));
        }
    }
}
