namespace Orders.Benchmark.Load;

/// <param name="Succeeded">The write committed (201 or 200).</param>
/// <param name="ReceivedAt">Wall-clock time the answer arrived, comparable with timestamps other processes write.</param>
internal readonly record struct StepResult(bool Succeeded, DateTimeOffset ReceivedAt);
