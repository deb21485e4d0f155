using System.Globalization;
using System.Text.Json;
using Npgsql;
using Orders.Benchmark.Ceiling;
using Orders.Benchmark.Load;
using Orders.Benchmark.Measure;
using Orders.Benchmark.Phases;
using Orders.Benchmark.Report;
using Orders.SystemHost;
using Spectre.Console;

namespace Orders.Benchmark;

/// <summary>
/// One benchmark run on a fresh system: warm-up, the steady open-loop phase with every process running, then with the
/// relay and processor stopped the API's and the SQL ceiling's maximum rates (their writes become the backlog), then
/// the relay draining that backlog, then the processor draining it, then bursts of payment deadlines due at once for
/// one processor node and for two. Each phase is a class of its own under Phases/;
/// this one starts the system, runs them in order and assembles their results.
/// </summary>
internal sealed class BenchmarkRun(BenchmarkOptions options)
{
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    private sealed record Run(BenchmarkResult Result, IReadOnlyList<NamedHistogram> Histograms);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var root = RepositoryRoot.Find();
        var startedAt = DateTimeOffset.UtcNow;
        var loadAtStart = MachineInfo.LoadAverage();
        var folder = Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(
            folder,
            $"{startedAt.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{options.Workload.ToString().ToLowerInvariant()}{(options.Quick ? "-quick" : "")}");
        using var output = new DeployableOutput(stem + "-deployables.log");
#if DEBUG
        AnsiConsole.MarkupLine("[yellow]Debug build: run with -c Release for figures worth keeping.[/]");
#endif

        Run? run = null;
        try
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress => run = await RunPhasesAsync(progress, root, output, startedAt, loadAtStart, cancellationToken));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or NpgsqlException)
        {
            AnsiConsole.MarkupLine($"[red]The run failed:[/] {Markup.Escape(e.Message)}");
            AnsiConsole.WriteLine("Recent output of the deployables:");
            AnsiConsole.WriteLine(output.Recent);
            return 1;
        }

        ResultTable.Write(run!.Result);
        await SaveAsync(stem, run, cancellationToken);
        return 0;
    }

    private async Task<Run> RunPhasesAsync(
        ProgressContext progress, string root, DeployableOutput output, DateTimeOffset startedAt, string loadAtStart,
        CancellationToken cancellationToken)
    {
        var starting = progress.AddTask("Start PostgreSQL, Kafka stand-in, API, processor, relay", maxValue: 1).IsIndeterminate();
        await using var system = await OrdersSystem.StartAsync(
            new OrdersSystemOptions
            {
                RepositoryRoot = root,
                Configuration = BuildConfiguration,
                ExtraSettings = new Dictionary<string, string>(options.Settings)
                {
                    // Measure what ships: not Development (no development settings files or pages), logs at Warning so
                    // the console is not the bottleneck. Not "Production" either, which refuses the development signing
                    // key the benchmark's clients sign their tokens with.
                    ["DOTNET_ENVIRONMENT"] = "Benchmark",
                    ["ASPNETCORE_ENVIRONMENT"] = "Benchmark",
                    ["Logging__LogLevel__Default"] = options.Settings.GetValueOrDefault("Logging__LogLevel__Default", "Warning"),
                },
                OnOutput = output.Add,
            },
            cancellationToken);
        starting.Complete("System started");

        // The API's login and connection settings (auto-prepared statements, no reset at checkout), so the ceiling sends
        // the same SQL the same way and the ratio measures what the API adds.
        await using var ceilingSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(system.Database.Api)
        {
            MaxPoolSize = options.Concurrency + 10,
            MaxAutoPrepare = 32,
            NoResetOnClose = true,
        }.ConnectionString);

        // The measurements read every component's tables, the relay's position in its own schema included.
        await using var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(system.ConnectionString) { SearchPath = "public, orders_relay" }.ConnectionString);
        var memory = new PeakMemory();
        var context = new PhaseContext(options, system, dataSource, new CpuUsage(system), memory, progress);
        using var processorLag = new ProcessorLag(system.Kafka.BootstrapServers);
        var relayLag = new RelayLag(dataSource);
        await using var memorySampler = new PeriodicSampler(
            _ =>
            {
                memory.Sample(system.Api, system.Relay, system.Processor);
                return Task.CompletedTask;
            },
            TimeSpan.FromMilliseconds(500));
        memorySampler.Start();

        await WarmUpPhase.RunAsync(context, cancellationToken);
        var steady = await SteadyPhase.RunAsync(context, relayLag, processorLag, cancellationToken);

        memory.Sample(system.Api, system.Relay, system.Processor);
        await system.Relay.StopAsync(StopGracePeriod);
        await system.Processor.StopAsync(StopGracePeriod);

        await MaxRatePhase.WaitForIdleDatabaseAsync(context, cancellationToken);
        var maxOperations = options.Backlog / 2;
        using var apiWriter = new ApiOrderWriter(system, options.Concurrency);
        var api = await MaxRatePhase.RunAsync(context, "API max rate", apiWriter, maxOperations, 100_000_000, cancellationToken);
        var sqlWriter = new SqlOrderWriter(ceilingSource);
        var ceiling = await MaxRatePhase.RunAsync(context, "SQL ceiling", sqlWriter, maxOperations, 200_000_000, cancellationToken);
        await DrainPhase.TopUpAsync(context, sqlWriter, relayLag, cancellationToken);

        var relayDrain = await DrainPhase.RelayAsync(context, relayLag, cancellationToken);
        var processorDrain = await DrainPhase.ProcessorAsync(context, processorLag, cancellationToken);
        var oneNode = await DeadlineBurstPhase.RunAsync(context, sqlWriter, 1, 400_000_000, cancellationToken);
        var secondNode = system.StartProcessorNode();
        var twoNodes = await DeadlineBurstPhase.RunAsync(context, sqlWriter, 2, 500_000_000, cancellationToken);

        await memorySampler.DisposeAsync();
        memory.Sample(system.Api, system.Relay, system.Processor, secondNode);

        var costs = new Dictionary<string, PhaseCost>
        {
            ["steady"] = steady.Cost,
            ["API max rate"] = api.Cost,
            ["SQL ceiling"] = ceiling.Cost,
            ["relay drain"] = relayDrain.Cost,
            ["processor drain"] = processorDrain.Cost,
            ["deadline burst, 1 node"] = oneNode.Cost,
            ["deadline burst, 2 nodes"] = twoNodes.Cost,
        };
        var result = new BenchmarkResult
        {
            StartedAt = startedAt,
            Command = "dotnet run -c Release --project bench/Orders.Benchmark -- " + options.CommandLine,
            Machine = MachineInfo.Current(),
            LoadAverageAtStart = loadAtStart,
            LoadAverageAtEnd = MachineInfo.LoadAverage(),
            Workload = options.Workload.ToString().ToLowerInvariant(),
            Steady = steady.Result,
            Api = api.Result,
            ApiFailureReasons = apiWriter.Failures,
            Ceiling = ceiling.Result,
            ApiShareOfCeiling = Math.Round(api.Result.OperationsPerSecond / ceiling.Result.OperationsPerSecond, 3),
            RelayDrain = relayDrain.Result,
            ProcessorDrain = processorDrain.Result,
            DeadlineBursts = [oneNode.Result, twoNodes.Result],
            PeakMemoryMiB = memory.PeakMebibytes(),
            ProblemLines = output.ProblemLines,
            WaitProfiles = costs.Where(c => c.Value.Waits is not null).ToDictionary(c => c.Key, c => c.Value.Waits!),
            CoresByPhase = costs.ToDictionary(c => c.Key, c => c.Value.Cores),
            Targets = [],
        };
        return new Run(result with { Targets = Targets.Check(result, options) }, [.. steady.Histograms, api.Histogram, ceiling.Histogram]);
    }

    private static async Task SaveAsync(string stem, Run run, CancellationToken cancellationToken)
    {
        var result = run.Result;
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(result, ResultJson), cancellationToken);
        LatencyPlot.SavePercentiles(
            stem + "-latency.png",
            $"Orders latency by percentile, {result.Workload}, {result.Steady.AchievedOrdersPerSecond:N0} orders/s steady",
            run.Histograms.Select(h => (h.Name, h.Recorder.Snapshot())));
        LatencyPlot.SaveLag(stem + "-lag.png", result.Steady.Lag);
        AnsiConsole.MarkupLine($"Results: [blue]{Markup.Escape(stem)}.json[/], -latency.png, -lag.png, -deployables.log");
    }
}
