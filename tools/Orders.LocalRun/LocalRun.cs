using System.Runtime.InteropServices;
using Orders.SystemHost;

namespace Orders.LocalRun;

internal static class LocalRun
{
    /// <summary>How long the demo's unpaid order waits before the processor cancels it.</summary>
    private static readonly TimeSpan DemoPaymentTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long the processor may take to join its consumer group after the API is ready.</summary>
    private static readonly TimeSpan PartitionsTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The processor's log line (EventId 2500) once it holds partitions and consumes.</summary>
    private const string PartitionsAssigned = "Assigned partitions";

    public static async Task<int> RunAsync(LocalRunOptions options)
    {
        var root = RepositoryRoot.Find();
        var localFolder = options.DataDirectory ?? Path.Combine(root, ".local");
        try
        {
            PostgresCluster.FindBinDirectory();
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }

        if (PortCheck.FindBusyPort(options, Path.Combine(localFolder, "pgdata")) is { } busy)
        {
            await Console.Error.WriteLineAsync(busy);
            return 1;
        }

        using var runLock = RunLock.TryAcquire(localFolder);
        if (runLock is null)
        {
            await Console.Error.WriteLineAsync(
                $"Another local run is already using {localFolder} (see its run.lock for the process id). Stop it with Ctrl+C first.");
            return 1;
        }

        using var stopping = new CancellationTokenSource();
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        // A closed terminal stops the run as Ctrl+C does; a SIGKILL takes the children along by their parent-death
        // signal and the PostgreSQL watchdog.
        using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
        var processorConsumes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using var dashboard = AspireDashboard.Start(LabelledConsole.Write);
        LabelledConsole.Write("local", "Starting PostgreSQL, the Kafka stand-in, the API, the processor, the relay and the operations page...");
        OrdersSystem system;
        try
        {
            system = await OrdersSystem.StartAsync(
                new OrdersSystemOptions
                {
                    RepositoryRoot = root,
                    Configuration = BuildConfiguration,
                    PostgresDataDirectory = Path.Combine(localFolder, "pgdata"),
                    PostgresPort = options.PostgresPort,
                    ApiPort = options.ApiPort,
                    StartOperations = true,
                    OperationsPort = LocalRunOptions.OperationsPort,
                    ProcessorPort = LocalRunOptions.ProcessorPort,
                    RelayPort = LocalRunOptions.RelayPort,
                    PaymentTimeout = options.Demo ? DemoPaymentTimeout : null,
                    Tokens = DevelopmentTokens.LoadOrCreate(TokenCommand.SigningKeyPath(root)),
                    ExtraSettings = new Dictionary<string, string>
                    {
                        ["Logging__Console__FormatterName"] = "simple",
                        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
                        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
                        ["Telemetry__OtlpEndpoint"] = AspireDashboard.OtlpGrpcAddress.ToString(),
                    },
                    OnOutput = (name, line) =>
                    {
                        LabelledConsole.Write(name, line);
                        if (name == "processor" && line.Contains(PartitionsAssigned, StringComparison.Ordinal))
                        {
                            processorConsumes.TrySetResult();
                        }
                    },
                },
                stopping.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException or IOException)
        {
            LabelledConsole.Write("local", "Start-up failed: " + e.Message);
            return 1;
        }

        var exitCode = 0;
        await using (system)
        {
            var stopped = Task.Delay(Timeout.Infinite, stopping.Token);
            DeployableProcess[] deployables = [system.Api, system.Processor, system.Relay];
            var childExited = Task.WhenAny(deployables.Select(d => d.Exited));

            // Ready means an order submitted now flows through: the processor consumes, not just the API answers.
            var timedOut = Task.Delay(PartitionsTimeout, stopping.Token);
            var ready = await Task.WhenAny(processorConsumes.Task, childExited, stopped, timedOut);
            if (ready == processorConsumes.Task)
            {
                PrintWhereToLook(system);
                if (options.Demo)
                {
                    await Demo.RunAsync(system, stopping.Token);
                }

                ready = await Task.WhenAny(childExited, stopped);
            }
            else if (ready == timedOut && !stopping.IsCancellationRequested)
            {
                LabelledConsole.Write("local", $"The processor did not get its partitions within {PartitionsTimeout.TotalSeconds} s.");
                exitCode = 1;
            }

            if (ready == childExited)
            {
                var dead = deployables.First(d => d.Exited.IsCompleted);
                LabelledConsole.Write(
                    "local", $"The {dead.Name} exited unexpectedly with code {await dead.Exited}; stopping every process.");
                exitCode = 1;
            }
            else if (stopping.IsCancellationRequested)
            {
                LabelledConsole.Write("local", "Stopping every process...");
            }
        }

        LabelledConsole.Write("local", "Stopped.");
        return exitCode;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopping.Cancel();
        }
    }

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    private static string Address(Uri address) => address.ToString().TrimEnd('/');

    private static void PrintWhereToLook(OrdersSystem system)
    {
        var api = system.ApiBaseAddress.ToString().TrimEnd('/');
        var psql = $"psql \"host=127.0.0.1 port={system.Postgres.Port} user=postgres dbname={OrdersSystem.DatabaseName}\"";
        string[] lines =
        [
            "",
            "Orders is running. Ctrl+C stops every process.",
            $"  API             {api}",
            $"  API reference   {api}/scalar",
            $"  Operations      {system.OperationsBaseAddress}  (find an order, parked and stuck orders, lag, repairs)",
            $"  Telemetry       {AspireDashboard.UiAddress} (Aspire Dashboard: traces, metrics, logs of every process)",
            $"  Health          {api}/health/ready  {Address(system.ProcessorBaseAddress)}/health/ready  {Address(system.RelayBaseAddress)}/health/ready",
            $"  Metrics         {api}/metrics  {Address(system.ProcessorBaseAddress)}/metrics  {Address(system.RelayBaseAddress)}/metrics",
            $"  Kafka stand-in  {system.Kafka.BootstrapServers}, topic microshop.order-outbox",
            $"                  kcat -C -b {system.Kafka.BootstrapServers} -t microshop.order-outbox -K '|'",
            $"  PostgreSQL      {psql}",
            "  Saga table      SELECT correlation_id, current_state, last_sequence, updated_at",
            "                  FROM fulfilment.order_state ORDER BY updated_at DESC LIMIT 10;",
            "  Submit an order (the token command prints a token the API accepts, for the scopes named)",
            "    TOKEN=$(dotnet run --project tools/Orders.LocalRun -- token orders.submit orders.read)",
            $"    curl -s -X POST {api}/orders -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\",
            "      -d '{\"userId\":42,\"currency\":\"EUR\",\"lines\":[{\"sku\":\"BOOK-1\",\"quantity\":2,\"unitPrice\":12.50}]}'",
            "",
        ];
        foreach (var line in lines)
        {
            LabelledConsole.Write("local", line);
        }
    }
}
