namespace Orders.Benchmark.Measure;

/// <param name="Seconds">Since the steady phase started.</param>
/// <param name="RelayRows">Outbox rows not yet published.</param>
/// <param name="ProcessorEvents">Published events the processor has not committed.</param>
/// <param name="SagaOutstanding">API-acknowledged changes not yet seen in the saga table.</param>
internal sealed record LagSample(double Seconds, long RelayRows, long ProcessorEvents, int SagaOutstanding);
