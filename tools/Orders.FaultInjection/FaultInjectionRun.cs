using System.Diagnostics;
using System.Globalization;
using Orders.SystemHost;

namespace Orders.FaultInjection;

/// <summary>
/// One run: the whole system on a three-broker stand-in, clients driving orders while faults are injected, then the
/// wait for the pipeline to settle and the checks. The deployables' output goes to a log file, the figures to the
/// console and to JSON under bench/results/.
/// </summary>
internal static class FaultInjectionRun
{
#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif
    private const string Topic = "microshop.order-outbox";
    private const string DeadLetterTopic = "microshop.order-outbox.dlq";
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(FaultInjectionOptions options)
    {
        var root = RepositoryRoot.Find();
        var startedAt = DateTimeOffset.UtcNow;
        var stamp = startedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var logPath = Path.Combine(root, ".local", "fault-injection", $"{stamp}-{options.Mode}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        await using var log = new StreamWriter(logPath) { AutoFlush = true };
        var logLock = new Lock();
        void Log(string source, string line)
        {
            lock (logLock)
            {
                log.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [{source}] {line}");
            }
        }

        Console.WriteLine($"Fault injection, {options.Mode} mode, seed {options.Seed}; deployables' output in {Path.GetRelativePath(root, logPath)}");
        var total = Stopwatch.StartNew();
        await using var system = await OrdersSystem.StartAsync(new OrdersSystemOptions
        {
            RepositoryRoot = root,
            Configuration = BuildConfiguration,
            KafkaBrokers = 3,
            PaymentTimeout = options.PaymentTimeout,
            // After a database restart the relay would otherwise back off up to 10 s between attempts.
            ExtraSettings = new Dictionary<string, string> { ["Relay__MaxRetryDelay"] = "00:00:01" },
            OnOutput = Log,
        });

        using var topic = new TopicReader(system.Kafka.BootstrapServers, Topic, partitions: 4);
        var load = new LoadDriver(system, options.Clients, options.Seed);
        using var injector = new FaultInjector(system, options, Topic, load.Figures);
        var checks = new PipelineChecks(system, topic, DeadLetterTopic);
        var failures = new Dictionary<string, string>();

        // Clients start orders for as long as faults are injected; after that they only finish what they began.
        using var stopStarting = new CancellationTokenSource();
        using var abandon = new CancellationTokenSource();
        var loadClock = Stopwatch.StartNew();
        var loadTask = load.RunAsync(stopStarting.Token, abandon.Token);
        using var stopSupervising = new CancellationTokenSource();
        var supervision = injector.SuperviseAsync(line => { Console.WriteLine(line); Log("faults", line); }, stopSupervising.Token);
        try
        {
            await injector.RunAsync(line => { Console.WriteLine(line); Log("faults", line); }, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            failures["every fault injected and recovered from"] = e.Message;
        }

        await stopStarting.CancelAsync();
        abandon.CancelAfter(options.SettleTimeout);
        try
        {
            await loadTask;
        }
        catch (Exception e) when (e is UnexpectedAnswerException or OperationCanceledException)
        {
            failures["every request acknowledged"] = e.Message;
        }

        loadClock.Stop();
        Console.WriteLine($"Load done after {loadClock.Elapsed.TotalSeconds:F0} s with {load.Orders.Count} orders; waiting for the pipeline to settle");

        var settleClock = Stopwatch.StartNew();
        IReadOnlyDictionary<string, string> pipeline;
        while (true)
        {
            pipeline = await CheckAsync(checks, load.Orders);
            if (pipeline.Count == 0 || settleClock.Elapsed > options.SettleTimeout)
            {
                break;
            }

            await Task.Delay(CheckInterval);
        }

        settleClock.Stop();
        await stopSupervising.CancelAsync();
        await supervision;
        foreach (var (check, detail) in pipeline)
        {
            failures[check] = detail;
        }

        var report = new FaultInjectionReport
        {
            Mode = options.Mode,
            Seed = options.Seed,
            StartedAt = startedAt,
            LoadSeconds = Math.Round(loadClock.Elapsed.TotalSeconds, 1),
            SettleSeconds = Math.Round(settleClock.Elapsed.TotalSeconds, 1),
            TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
            Orders = load.Orders.Count,
            OrdersByScenario = load.Orders.GroupBy(o => o.Scenario.ToString()).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            OutboxRows = load.Orders.Sum(o => o.ExpectedSequence),
            AcknowledgedRequests = load.Figures.AcknowledgedRequests,
            AcknowledgedAfterRetry = load.Figures.AcknowledgedAfterRetry,
            RetriesByCause = load.Figures.Retries,
            LastRetryErrors = load.Figures.LastErrors,
            FaultsInjected = injector.Injected.ToDictionary(f => f.Key.ToString(), f => f.Value),
            UnplannedExits = injector.UnplannedExits,
            TopicRecords = topic.Records,
            TopicDuplicates = checks.TopicDuplicates(),
            FailedChecks = new SortedDictionary<string, string>(failures),
        };
        report.Print(Console.Out);
        var resultPath = Path.Combine(root, "bench", "results", $"fault-injection-{options.Mode}-{stamp}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(resultPath)!);
        await File.WriteAllTextAsync(resultPath, report.ToJson());
        Console.WriteLine($"Figures written to {Path.GetRelativePath(root, resultPath)}");
        return report.Passed ? 0 : 1;
    }

    /// <summary>The checks, or the reason they could not run yet (the database restarting, say) as a failure.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> CheckAsync(PipelineChecks checks, IReadOnlyList<ClientOrder> orders)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            return await checks.FailuresAsync(orders, timeout.Token);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or Confluent.Kafka.KafkaException or OperationCanceledException)
        {
            return new Dictionary<string, string> { ["checks could run"] = e.Message };
        }
    }
}
