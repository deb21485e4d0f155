using Orders.Benchmark.Load;

namespace Orders.Benchmark.Phases;

/// <summary>A latency histogram with the label it has in the plot.</summary>
internal sealed record NamedHistogram(string Name, LatencyRecorder Recorder);
