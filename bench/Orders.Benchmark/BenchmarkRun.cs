using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using Orders.Benchmark.Ceiling;
using Orders.Benchmark.Load;
using Orders.Benchmark.Measure;
using Orders.Benchmark.Report;
using Orders.SystemHost;
using Spectre.Console;

namespace Orders.Benchmark;

/// <summary>
/// One benchmark run on a fresh system: warm-up, the steady open-loop phase with every process running, then with the
/// relay and processor stopped the API's and the SQL ceiling's maximum rates (their writes become the backlog), then
/// the relay draining that backlog, then the processor draining it.
/// </summary>
internal sealed class BenchmarkRun(BenchmarkOptions options)
{
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly PeakMemory memory = new();
    private readonly Dictionary<string, IReadOnlyList<WaitEntry>> waitProfiles = [];
    private readonly Dictionary<string, IReadOnlyDictionary<string, double>> coresByPhase = [];
    private CpuUsage cpu = null!;
    private DeployableOutput output = null!;

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

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
        using var deployables = new DeployableOutput(stem + "-deployables.log");
        output = deployables;
#if DEBUG
        AnsiConsole.MarkupLine("[yellow]Debug build: run with -c Release for figures worth keeping.[/]");
#endif

        BenchmarkResult? result = null;
        try
        {
            await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress => result = await RunPhasesAsync(progress, root, startedAt, loadAtStart, cancellationToken));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or NpgsqlException)
        {
            AnsiConsole.MarkupLine($"[red]The run failed:[/] {Markup.Escape(e.Message)}");
            AnsiConsole.WriteLine("Recent output of the deployables:");
            AnsiConsole.WriteLine(output.Recent);
            return 1;
        }

        ResultTable.Write(result!);
        await SaveAsync(stem, result!, cancellationToken);
        return 0;
    }

    private async Task<BenchmarkResult> RunPhasesAsync(
        ProgressContext progress, string root, DateTimeOffset startedAt, string loadAtStart, CancellationToken cancellationToken)
    {
        var starting = progress.AddTask("Start PostgreSQL, Kafka stand-in, API, processor, relay", maxValue: 1).IsIndeterminate();
        await using var system = await OrdersSystem.StartAsync(
            new OrdersSystemOptions
            {
                RepositoryRoot = root,
                Configuration = BuildConfiguration,
                ExtraSettings = new Dictionary<string, string>(options.Settings)
                {
                    // Measure what ships: Production hosting defaults, and logs at Warning so the console is not the bottleneck.
                    ["DOTNET_ENVIRONMENT"] = "Production",
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["Logging__LogLevel__Default"] = options.Settings.GetValueOrDefault("Logging__LogLevel__Default", "Warning"),
                },
                OnOutput = output.Add,
            },
            cancellationToken);
        // The processor subscribed before any topic existed, and librdkafka only looks for a missing subscribed topic
        // again after topic.metadata.refresh.interval.ms (5 min): it would sit idle that long. In production the topic
        // exists before the processor starts, so make it so here and restart the processor.
        ProcessorLag.CreateTopic(system.Kafka.BootstrapServers);
        await system.Processor.StopAsync(StopGracePeriod);
        await system.RestartAsync(system.Processor, cancellationToken);
        Complete(starting, "System started");
        cpu = new CpuUsage(system);

        // The API's connection settings (auto-prepared statements, no reset at checkout), so the ceiling sends the same
        // SQL the same way and the ratio measures what the API adds.
        var builder = new NpgsqlConnectionStringBuilder(system.ConnectionString)
        {
            MaxPoolSize = options.Concurrency + 10,
            MaxAutoPrepare = 32,
            NoResetOnClose = true,
        };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        using var processorLag = new ProcessorLag(system.Kafka.BootstrapServers);
        var relayLag = new RelayLag(dataSource);
        using var sampling = new CancellationTokenSource();
        var memorySampler = SampleMemoryAsync(system, sampling.Token);

        await WarmUpAsync(progress, system, dataSource, cancellationToken);
        var steady = await SteadyAsync(progress, system, dataSource, relayLag, processorLag, cancellationToken);

        memory.Sample(system.Api, system.Relay, system.Processor);
        await system.Relay.StopAsync(StopGracePeriod);
        await system.Processor.StopAsync(StopGracePeriod);

        await WaitForIdleDatabaseAsync(progress, dataSource, cancellationToken);
        var maxOperations = options.Backlog / 2;
        using var apiWriter = new ApiOrderWriter(system, options.Concurrency);
        var api = await MaxRateAsync(progress, dataSource, "API max rate", apiWriter, maxOperations, 100_000_000, cancellationToken);
        var sqlWriter = new SqlOrderWriter(dataSource);
        var ceiling = await MaxRateAsync(progress, dataSource, "SQL ceiling", sqlWriter, maxOperations, 200_000_000, cancellationToken);
        await TopUpAsync(progress, sqlWriter, relayLag, cancellationToken);

        var relayDrain = await RelayDrainAsync(progress, system, relayLag, cancellationToken);
        var processorDrain = await ProcessorDrainAsync(progress, system, dataSource, processorLag, cancellationToken);

        await sampling.CancelAsync();
        await memorySampler;
        memory.Sample(system.Api, system.Relay, system.Processor);

        var result = new BenchmarkResult
        {
            StartedAt = startedAt,
            Command = "dotnet run -c Release --project bench/Orders.Benchmark -- " + options.CommandLine,
            Machine = MachineInfo.Current(),
            LoadAverageAtStart = loadAtStart,
            LoadAverageAtEnd = MachineInfo.LoadAverage(),
            Workload = options.Workload.ToString().ToLowerInvariant(),
            Steady = steady,
            Api = api,
            ApiFailureReasons = apiWriter.Failures,
            Ceiling = ceiling,
            ApiShareOfCeiling = Math.Round(api.OperationsPerSecond / ceiling.OperationsPerSecond, 3),
            RelayDrain = relayDrain,
            ProcessorDrain = processorDrain,
            PeakMemoryMiB = memory.PeakMebibytes(),
            ProblemLines = output.ProblemLines,
            WaitProfiles = waitProfiles,
            CoresByPhase = coresByPhase,
            Targets = [],
        };
        return result with { Targets = Targets.Check(result, options) };
    }

    /// <summary>JIT, connection pools, Kafka group join: a short load at a low rate, until the saga has applied all of it.</summary>
    private async Task WarmUpAsync(ProgressContext progress, OrdersSystem system, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var task = progress.AddTask("Warm up", maxValue: 1).IsIndeterminate();
        using var writer = new ApiOrderWriter(system, 64);
        await using var tracker = new EndToEndTracker(dataSource);
        var load = new OpenLoopLoad(writer, options.Workload, tracker);
        await load.RunAsync(Math.Min(options.Rate, 200), TimeSpan.FromSeconds(options.Quick ? 3 : 10), 900_000_000, cancellationToken);
        if (load.FailedOrders > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]Warm up: {load.FailedOrders} orders failed at the API: {Markup.Escape(Describe(writer.Failures))}[/]");
        }

        tracker.Start();
        var deadline = Stopwatch.GetTimestamp() + (long)(options.CatchUpDeadline.TotalSeconds * Stopwatch.Frequency);
        while (tracker.Outstanding > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        if (tracker.Outstanding > 0)
        {
            Complete(task, $"Warm up: the saga had not applied {tracker.Outstanding:N0} of {tracker.Expected:N0} changes after {options.CatchUpDeadline.TotalSeconds:0} s; going on");
            return;
        }

        Complete(task, $"Warm up: {load.Orders:N0} orders applied by the saga");
    }

    private async Task<SteadyResult> SteadyAsync(
        ProgressContext progress, OrdersSystem system, NpgsqlDataSource dataSource, RelayLag relayLag, ProcessorLag processorLag,
        CancellationToken cancellationToken)
    {
        var task = progress.AddTask("Steady load", maxValue: options.Duration.TotalSeconds);
        using var writer = new ApiOrderWriter(system, 256);
        await using var tracker = new EndToEndTracker(dataSource);
        await using var monitor = new LagMonitor(relayLag, processorLag, tracker);
        await using var profile = new WaitProfile(dataSource);
        var load = new OpenLoopLoad(writer, options.Workload, tracker);
        tracker.Start();
        monitor.Start();
        profile.Start();
        var cpuBefore = cpu.Read();
        var start = Stopwatch.GetTimestamp();
        var running = load.RunAsync(options.Rate, options.Duration, 1, cancellationToken);
        while (!running.IsCompleted)
        {
            task.Value = Math.Min(options.Duration.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
            task.Description = $"Steady load, {options.Rate:N0} orders/s: {load.Orders:N0} orders, API p99 {load.Latency.Summarize().P99:0} ms, " +
                $"lag relay {monitor.Latest?.RelayRows ?? 0:N0} / processor {monitor.Latest?.ProcessorEvents ?? 0:N0} / saga {tracker.Outstanding:N0}";
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken));
        }

        await running;
        var loadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var loadEnded = monitor.Elapsed;
        coresByPhase["steady"] = CpuUsage.Cores(cpuBefore, cpu.Read(), TimeSpan.FromSeconds(loadSeconds));
        waitProfiles["steady"] = profile.Summarize();
        Complete(task, $"Steady load: {load.Orders:N0} orders, {load.Requests:N0} requests in {loadSeconds:0.0} s");

        var catchUp = progress.AddTask("Catch up after load", maxValue: 1).IsIndeterminate();
        await monitor.WaitUntilAsync(s => s.RelayRows == 0 && s.ProcessorEvents == 0 && s.SagaOutstanding == 0, options.CatchUpDeadline, cancellationToken);
        var samples = monitor.Samples;
        double? ZeroAfter(Func<LagSample, long> value) =>
            samples.FirstOrDefault(s => s.Seconds >= loadEnded && value(s) == 0) is { } zero ? Math.Round(zero.Seconds - loadEnded, 3) : null;
        var result = new SteadyResult
        {
            TargetOrdersPerSecond = options.Rate,
            AchievedOrdersPerSecond = Math.Round(load.Orders / options.Duration.TotalSeconds, 1),
            RequestsPerSecond = Math.Round(load.Requests / loadSeconds, 1),
            Seconds = Math.Round(loadSeconds, 2),
            Orders = load.Orders,
            Requests = load.Requests,
            FailedOrders = load.FailedOrders,
            FailureReasons = writer.Failures,
            Api = load.Latency.Summarize(),
            EndToEndCommitted = tracker.Committed.Summarize(),
            EndToEndObserved = tracker.Observed.Summarize(),
            EndToEndOvertaken = tracker.Overtaken,
            EndToEndNotApplied = tracker.Outstanding,
            MaxRelayLagRows = samples.Select(s => s.RelayRows).DefaultIfEmpty().Max(),
            MaxProcessorLagEvents = samples.Select(s => s.ProcessorEvents).DefaultIfEmpty().Max(),
            RelayZeroAfterSeconds = ZeroAfter(s => s.RelayRows),
            ProcessorZeroAfterSeconds = ZeroAfter(s => s.ProcessorEvents),
            SagaCaughtUpAfterSeconds = ZeroAfter(s => s.SagaOutstanding),
            Lag = samples,
        };
        steadyHistograms = [("API (steady, open loop)", load.Latency), ("end to end: 201 to saga updated_at", tracker.Committed), ("end to end: 201 to seen in saga", tracker.Observed)];
        Complete(catchUp, $"Caught up: relay {Format(result.RelayZeroAfterSeconds)}, saga {Format(result.SagaCaughtUpAfterSeconds)}, committed offsets {Format(result.ProcessorZeroAfterSeconds)} after the load");
        return result;
    }

    private (string Name, LatencyRecorder Recorder)[] steadyHistograms = [];
    private readonly List<(string Name, LatencyRecorder Recorder)> maxRateHistograms = [];

    private async Task<MaxRateResult> MaxRateAsync(
        ProgressContext progress, NpgsqlDataSource dataSource, string name, IOrderWriter writer, long maxOperations, long firstUserId,
        CancellationToken cancellationToken)
    {
        await using var profile = new WaitProfile(dataSource);
        profile.Start();
        var task = progress.AddTask($"{name}, {options.Concurrency} clients", maxValue: options.MaxRateDuration.TotalSeconds);
        var load = new ClosedLoopLoad(writer, options.Workload);
        var cpuBefore = cpu.Read();
        var start = Stopwatch.GetTimestamp();
        var running = load.RunAsync(options.Concurrency, options.MaxRateDuration, maxOperations, firstUserId, cancellationToken);
        while (!running.IsCompleted)
        {
            task.Value = Math.Min(options.MaxRateDuration.TotalSeconds, Stopwatch.GetElapsedTime(start).TotalSeconds);
            task.Description = $"{name}, {options.Concurrency} clients: {load.Operations:N0} writes";
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken));
        }

        await running;
        waitProfiles[name] = profile.Summarize();
        coresByPhase[name] = CpuUsage.Cores(cpuBefore, cpu.Read(), load.Elapsed);
        var rate = Math.Round(load.Operations / load.Elapsed.TotalSeconds, 1);
        maxRateHistograms.Add(($"{name} ({options.Concurrency} clients)", load.Latency));
        Complete(task, $"{name}: {rate:N0} writes/s, p99 {load.Latency.Summarize().P99:0.0} ms");
        return new MaxRateResult(options.Concurrency, load.Operations, load.Failures, Math.Round(load.Elapsed.TotalSeconds, 2), rate, load.Latency.Summarize());
    }

    /// <summary>
    /// An overloaded steady phase leaves the API finishing requests whose clients gave up; the maximum-rate phase
    /// must not inherit them, so it waits (up to the catch-up deadline) until no session is busy in the database.
    /// </summary>
    private async Task WaitForIdleDatabaseAsync(ProgressContext progress, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var task = progress.AddTask("Wait for the API to finish abandoned requests", maxValue: 1).IsIndeterminate();
        var start = Stopwatch.GetTimestamp();
        long busy;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            await using var command = dataSource.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'");
            busy = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        while (busy > 0 && Stopwatch.GetElapsedTime(start) < options.CatchUpDeadline);

        Complete(task, $"Database idle after {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s ({busy} sessions still busy)");
    }

    /// <summary>Writes more rows with the ceiling's SQL (the API's exact format) until the backlog has its size.</summary>
    private async Task TopUpAsync(ProgressContext progress, SqlOrderWriter writer, RelayLag relayLag, CancellationToken cancellationToken)
    {
        var pending = await relayLag.PendingRowsAsync(cancellationToken);
        var task = progress.AddTask($"Top up the backlog to {options.Backlog:N0} rows", maxValue: 1).IsIndeterminate();
        if (pending < options.Backlog)
        {
            var load = new ClosedLoopLoad(writer, options.Workload);
            await load.RunAsync(options.Concurrency, TimeSpan.FromMinutes(10), options.Backlog - pending, 300_000_000, cancellationToken);
        }

        Complete(task, $"Backlog: {await relayLag.PendingRowsAsync(cancellationToken):N0} outbox rows pending");
    }

    private async Task<DrainResult> RelayDrainAsync(ProgressContext progress, OrdersSystem system, RelayLag relayLag, CancellationToken cancellationToken)
    {
        var rows = await relayLag.PendingRowsAsync(cancellationToken);
        var initial = await relayLag.PositionAsync(cancellationToken);
        var target = await relayLag.NewestTransactionAsync(cancellationToken);
        var task = progress.AddTask($"Relay drains {rows:N0} rows", maxValue: rows);
        var start = Stopwatch.GetTimestamp();
        await system.RestartAsync(system.Relay, cancellationToken);
        return await DrainAsync(task, "relay drain", "rows", rows, start, async () =>
        {
            var position = await relayLag.PositionAsync(cancellationToken);
            return position == initial ? rows : position >= target ? 0 : await relayLag.PendingRowsAsync(cancellationToken);
        }, system.Relay, cancellationToken);
    }

    private async Task<DrainResult> ProcessorDrainAsync(
        ProgressContext progress, OrdersSystem system, NpgsqlDataSource dataSource, ProcessorLag processorLag, CancellationToken cancellationToken)
    {
        await using var profile = new WaitProfile(dataSource);
        profile.Start();
        // Exact, unlike the committed offsets (committed once a second): every event has its order's next sequence
        // number, so the events applied are the sum of the saga rows' last_sequence.
        await using var total = dataSource.CreateCommand("SELECT count(*) FROM outbox");
        var published = (long)(await total.ExecuteScalarAsync(cancellationToken))!;
        await using var applied = dataSource.CreateCommand("SELECT coalesce(sum(last_sequence), 0)::bigint FROM fulfilment.order_state");
        async Task<long> PendingAsync() => published - (long)(await applied.ExecuteScalarAsync(cancellationToken))!;

        var events = await PendingAsync();
        var task = progress.AddTask($"Processor drains {events:N0} events (Kafka lag {processorLag.Measure():N0})", maxValue: events);
        var start = Stopwatch.GetTimestamp();
        await system.RestartAsync(system.Processor, cancellationToken);
        var result = await DrainAsync(task, "processor drain", "events", events, start, PendingAsync, system.Processor, cancellationToken);
        waitProfiles["processor drain"] = profile.Summarize();
        return result;
    }

    /// <summary>
    /// Polls what is left until nothing is, or the deadline. The rate counts from the first progress seen, so the
    /// process's start-up (for the processor, joining the group) is reported apart, and what was done before that first
    /// poll is left out.
    /// </summary>
    private async Task<DrainResult> DrainAsync(
        ProgressTask task, string name, string unit, long items, long start, Func<Task<long>> remaining, DeployableProcess process,
        CancellationToken cancellationToken)
    {
        var cpuBefore = cpu.Read();
        double? firstProgress = null;
        var leftAtFirstProgress = items;
        var left = items;
        var now = 0.0;
        // Start-up (process start, group join) and the drain itself each get the deadline, so a slow start does not
        // cut the measured drain short.
        while (now < (firstProgress ?? 0) + options.DrainDeadline.TotalSeconds && left > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            left = await remaining();
            now = Stopwatch.GetElapsedTime(start).TotalSeconds;
            task.Value = items - left;
            memory.Sample(process);
            if (firstProgress is null && left < items)
            {
                firstProgress = now;
                leftAtFirstProgress = left;
            }

            if (!process.IsRunning)
            {
                throw new InvalidOperationException($"{process.Name} exited while draining.");
            }
        }

        coresByPhase[name] = CpuUsage.Cores(cpuBefore, cpu.Read(), Stopwatch.GetElapsedTime(start));
        if (firstProgress is not { } first)
        {
            Complete(task, $"{name}: no progress within {options.DrainDeadline.TotalSeconds:0} s");
            return new DrainResult(items, false, Math.Round(now, 3), null, null);
        }

        var drain = now - first;
        var rate = drain > 0 ? (leftAtFirstProgress - left) / drain : 0;
        Complete(task, left == 0
            ? $"{name}: {items:N0} {unit}, start-up {first:0.00} s, then {rate:N0} {unit}/s"
            : $"{name}: {items - left:N0} of {items:N0} {unit} by the deadline ({options.DrainDeadline.TotalSeconds:0} s after the first progress), start-up {first:0.00} s, then {rate:N0} {unit}/s");
        return new DrainResult(items, left == 0, Math.Round(first, 3), Math.Round(drain, 3), Math.Round(rate, 1));
    }

    private async Task SampleMemoryAsync(OrdersSystem system, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            memory.Sample(system.Api, system.Relay, system.Processor);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SaveAsync(string stem, BenchmarkResult result, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(result, ResultJson), cancellationToken);
        LatencyPlot.SavePercentiles(
            stem + "-latency.png",
            $"Orders latency by percentile, {result.Workload}, {result.Steady.AchievedOrdersPerSecond:N0} orders/s steady",
            steadyHistograms.Concat(maxRateHistograms).Select(h => (h.Name, h.Recorder.Snapshot())));
        LatencyPlot.SaveLag(stem + "-lag.png", result.Steady.Lag);
        AnsiConsole.MarkupLine($"Results: [blue]{Markup.Escape(stem)}.json[/], -latency.png, -lag.png, -deployables.log");
    }

    private static void Complete(ProgressTask task, string description)
    {
        task.IsIndeterminate = false;
        task.Description = Markup.Escape(description);
        task.Value = task.MaxValue;
        task.StopTask();
    }

    private static string Describe(IReadOnlyDictionary<string, long> failures) =>
        string.Join(", ", failures.Select(f => $"{f.Key} x{f.Value}"));

    private static string Format(double? seconds) => seconds is { } s ? $"{s:0.00} s" : "not within the deadline";
}
