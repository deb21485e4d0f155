using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Orders.SystemHost;

namespace Orders.FaultInjection;

/// <summary>
/// Spreads a shuffled plan of faults over the load, one at a time: SIGKILLs of each deployable (restarted at once),
/// immediate-mode PostgreSQL restarts and broker faults on the Kafka stand-in.
/// </summary>
internal sealed class FaultInjector(OrdersSystem system, FaultInjectionOptions options, string topic, LoadFigures load) : IDisposable
{
    private static readonly TimeSpan BrokerOutage = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ApiReadyTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan SupervisionInterval = TimeSpan.FromMilliseconds(500);
    private readonly Random random = new(options.Seed);
    private readonly ConcurrentDictionary<FaultKind, int> injected = new();
    private readonly ConcurrentDictionary<string, int> exits = new();
    private readonly SemaphoreSlim processes = new(1, 1);
    private int acknowledgedAtApiStart;

    public IReadOnlyDictionary<FaultKind, int> Injected => new SortedDictionary<FaultKind, int>(injected);

    /// <summary>Deployables that exited by themselves (not killed by the plan) and were started again, by name.</summary>
    public IReadOnlyDictionary<string, int> UnplannedExits => new SortedDictionary<string, int>(exits);

    /// <summary>
    /// Plays the orchestrator's restart policy until cancelled: a deployable that exits by itself (the API failing its
    /// start-up migration while PostgreSQL restarts, say) is started again and counted.
    /// </summary>
    public async Task SuperviseAsync(Action<string> report, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SupervisionInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await processes.WaitAsync(CancellationToken.None);
            try
            {
                foreach (var deployable in new[] { system.Api, system.Relay, system.Processor }.Where(d => !d.IsRunning))
                {
                    report($"{deployable.Name} exited by itself; starting it again");
                    exits.AddOrUpdate(deployable.Name, 1, (_, n) => n + 1);
                    deployable.Start();
                }
            }
            finally
            {
                processes.Release();
            }
        }
    }

    public async Task RunAsync(Action<string> report, CancellationToken cancellationToken)
    {
        var plan = Plan();
        var spacing = options.LoadDuration / (plan.Count + 1);
        var clock = Stopwatch.StartNew();
        foreach (var fault in plan)
        {
            // Spaced from the end of the previous fault, with jitter, so faults land at every point of a request's or a
            // batch's life without piling up behind a slow restart.
            await Task.Delay(spacing * (0.6 + (random.NextDouble() * 0.8)), cancellationToken);
            report($"{clock.Elapsed.TotalSeconds,6:F1}s  {fault}");
            await InjectAsync(fault, cancellationToken);
            injected.AddOrUpdate(fault, 1, (_, n) => n + 1);
        }
    }

    private List<FaultKind> Plan()
    {
        var plan = new List<FaultKind>();
        plan.AddRange(Enumerable.Repeat(FaultKind.KillApi, options.KillsPerDeployable));
        plan.AddRange(Enumerable.Repeat(FaultKind.KillRelay, options.KillsPerDeployable));
        plan.AddRange(Enumerable.Repeat(FaultKind.KillProcessor, options.KillsPerDeployable));
        plan.AddRange(Enumerable.Repeat(FaultKind.RestartPostgres, options.PostgresRestarts));
        FaultKind[] brokerFaults = [FaultKind.BrokerDownAndUp, FaultKind.RequestErrors, FaultKind.LeaderMove];
        plan.AddRange(Enumerable.Range(0, options.BrokerFaults).Select(i => brokerFaults[i % brokerFaults.Length]));
        random.Shuffle(CollectionsMarshal.AsSpan(plan));
        return plan;
    }

    private async Task InjectAsync(FaultKind fault, CancellationToken cancellationToken)
    {
        switch (fault)
        {
            case FaultKind.KillApi:
                await KillAndRestartAsync(system.Api, cancellationToken);
                break;
            case FaultKind.KillRelay:
                await KillAndRestartAsync(system.Relay, cancellationToken);
                break;
            case FaultKind.KillProcessor:
                await KillAndRestartAsync(system.Processor, cancellationToken);
                break;
            case FaultKind.RestartPostgres:
                await system.Postgres.RestartAbruptlyAsync(cancellationToken);
                break;
            case FaultKind.BrokerDownAndUp:
                var broker = system.Kafka.Faults.BrokerIds[random.Next(system.Kafka.Faults.BrokerIds.Count)];
                system.Kafka.Faults.BrokerDown(broker);
                await Task.Delay(BrokerOutage, cancellationToken);
                system.Kafka.Faults.BrokerUp(broker);
                break;
            case FaultKind.RequestErrors:
                // Retriable errors only: what a healthy cluster answers during a leader election or a slow disk.
                system.Kafka.Faults.FailNext(KafkaApiKey.Produce, ErrorCode.NotLeaderForPartition, ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut);
                system.Kafka.Faults.FailNext(KafkaApiKey.Fetch, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut);
                system.Kafka.Faults.FailNext(KafkaApiKey.OffsetCommit, ErrorCode.NotCoordinatorForGroup, ErrorCode.RequestTimedOut);
                break;
            case FaultKind.LeaderMove:
                for (var partition = 0; partition < 4; partition++)
                {
                    var leader = system.Kafka.Faults.BrokerIds[random.Next(system.Kafka.Faults.BrokerIds.Count)];
                    system.Kafka.Faults.MoveLeader(topic, partition, leader);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }

    public void Dispose() => processes.Dispose();

    /// <summary>
    /// Kills a deployable and starts it again without waiting: clients retry through its start-up. The API is only
    /// killed once it answers ready and has acknowledged requests since it last started, so every API kill hits a
    /// working API and the clients make progress between kills.
    /// </summary>
    private async Task KillAndRestartAsync(DeployableProcess deployable, CancellationToken cancellationToken)
    {
        if (deployable == system.Api)
        {
            await WaitForWorkingApiAsync(cancellationToken);
        }

        await processes.WaitAsync(cancellationToken);
        try
        {
            await deployable.KillAsync();
            deployable.Start();
            if (deployable == system.Api)
            {
                acknowledgedAtApiStart = load.AcknowledgedRequests;
            }
        }
        finally
        {
            processes.Release();
        }
    }

    private async Task WaitForWorkingApiAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var problem = await DeployableHealth.ApiProblemAsync(system, cancellationToken);
            if (problem is null && load.AcknowledgedRequests >= acknowledgedAtApiStart + options.Clients)
            {
                return;
            }

            if (deadline.Elapsed > ApiReadyTimeout)
            {
                throw new TimeoutException(
                    $"The API did not work within {ApiReadyTimeout.TotalSeconds} s of its restart: {problem ?? "too few requests acknowledged"}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
