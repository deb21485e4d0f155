using System.Runtime.InteropServices;
using Orders.SystemHost;

namespace Orders.LocalRun;

internal static class LocalRun
{
    /// <summary>How long the demo's unpaid order waits before the processor cancels it.</summary>
    private static readonly TimeSpan DemoPaymentTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(LocalRunOptions options)
    {
        var root = RepositoryRoot.Find();
        var localFolder = Path.Combine(root, ".local");
        try
        {
            PostgresCluster.FindBinDirectory();
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
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

        using var dashboard = AspireDashboard.Start(LabelledConsole.Write);
        LabelledConsole.Write("local", "Starting PostgreSQL, the Kafka stand-in, the API, the processor and the relay...");
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
                    ProcessorPort = LocalRunOptions.ProcessorPort,
                    RelayPort = LocalRunOptions.RelayPort,
                    PaymentTimeout = options.Demo ? DemoPaymentTimeout : null,
                    ExtraSettings = new Dictionary<string, string>
                    {
                        ["Logging__Console__FormatterName"] = "simple",
                        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
                        ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
                        ["Telemetry__OtlpEndpoint"] = AspireDashboard.OtlpGrpcAddress.ToString(),
                    },
                    OnOutput = LabelledConsole.Write,
                },
                stopping.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException or IOException)
        {
            LabelledConsole.Write("local", "Start-up failed: " + e.Message);
            return 1;
        }

        await using (system)
        {
            PrintWhereToLook(system);
            if (options.Demo)
            {
                await Demo.RunAsync(system, stopping.Token);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stopping.Token);
            }
            catch (OperationCanceledException)
            {
                LabelledConsole.Write("local", "Stopping every process...");
            }
        }

        LabelledConsole.Write("local", "Stopped.");
        return 0;

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
            $"  Telemetry       {AspireDashboard.UiAddress} (Aspire Dashboard: traces, metrics, logs of every process)",
            $"  Health          {api}/health/ready  {Address(system.ProcessorBaseAddress)}/health/ready  {Address(system.RelayBaseAddress)}/health/ready",
            $"  Metrics         {api}/metrics  {Address(system.ProcessorBaseAddress)}/metrics  {Address(system.RelayBaseAddress)}/metrics",
            $"  Kafka stand-in  {system.Kafka.BootstrapServers}, topic microshop.order-outbox",
            $"                  kcat -C -b {system.Kafka.BootstrapServers} -t microshop.order-outbox -K '|'",
            $"  PostgreSQL      {psql}",
            "  Saga table      SELECT correlation_id, current_state, last_sequence, updated_at",
            "                  FROM fulfilment.order_state ORDER BY updated_at DESC LIMIT 10;",
            "  Submit an order",
            $"    curl -s -X POST {api}/orders -H 'Content-Type: application/json' \\",
            "      -d '{\"userId\":42,\"currency\":\"EUR\",\"lines\":[{\"sku\":\"BOOK-1\",\"quantity\":2,\"unitPrice\":12.50}]}'",
            "",
        ];
        foreach (var line in lines)
        {
            LabelledConsole.Write("local", line);
        }
    }
}
