using System.Runtime.InteropServices;
using Orders.Benchmark;

// Starts the whole system on a throw-away PostgreSQL and the Kafka stand-in, loads it, measures, and writes the
// results to bench/results/. Not part of the test suite. See docs/benchmark.md.
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

using var stopping = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    context.Cancel = true;
    stopping.Cancel();
});
return await new BenchmarkRun(options).RunAsync(stopping.Token);
