using Npgsql;
using Orders.Benchmark.Measure;
using Orders.SystemHost;
using Spectre.Console;

namespace Orders.Benchmark.Phases;

/// <summary>What every phase of a run works on: the running system, its database, the meters and the progress display.</summary>
internal sealed record PhaseContext(
    BenchmarkOptions Options,
    OrdersSystem System,
    NpgsqlDataSource DataSource,
    CpuUsage Cpu,
    PeakMemory Memory,
    ProgressContext Progress);
