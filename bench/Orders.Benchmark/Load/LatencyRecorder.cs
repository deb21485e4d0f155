using System.Diagnostics;
using HdrHistogram;
using Orders.Benchmark.Report;

namespace Orders.Benchmark.Load;

/// <summary>A thread-safe latency histogram in microseconds, up to one hour, three significant digits.</summary>
internal sealed class LatencyRecorder
{
    private const long HighestMicroseconds = 3_600_000_000;
    private readonly LongConcurrentHistogram histogram = new(1, HighestMicroseconds, 3);

    public long Count => histogram.TotalCount;

    public HistogramBase Histogram => histogram;

    public void RecordStopwatchTicks(long ticks) => RecordMicroseconds(ticks * 1_000_000 / Stopwatch.Frequency);

    public void Record(TimeSpan latency) => RecordMicroseconds((long)latency.TotalMicroseconds);

    public LatencySummary Summarize() => LatencySummary.From(histogram);

    private void RecordMicroseconds(long microseconds) =>
        histogram.RecordValue(Math.Clamp(microseconds, 1, HighestMicroseconds));
}
