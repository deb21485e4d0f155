using System.Globalization;
using Npgsql;

namespace Orders.SystemHost;

/// <summary>
/// The whole system on one machine: a PostgreSQL cluster, the Kafka stand-in, and the API, processor and relay as
/// separate processes. Used by the local run and by the end-to-end tests, so both exercise the same wiring.
/// </summary>
public sealed class OrdersSystem : IAsyncDisposable
{
    /// <summary>The database the deployables share.</summary>
    public const string DatabaseName = "orders";

    /// <summary>The topic the relay publishes to and the processor consumes.</summary>
    public const string Topic = "microshop.order-outbox";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(15);
    private readonly List<DeployableProcess> started = [];

    private OrdersSystem(
        PostgresCluster postgres, KafkaStandIn kafka, OrdersDatabase database, Uri apiBaseAddress, DevelopmentTokens tokens)
    {
        Tokens = tokens;
        Postgres = postgres;
        Kafka = kafka;
        Database = database;
        ApiBaseAddress = apiBaseAddress;
    }

    public PostgresCluster Postgres { get; }

    public KafkaStandIn Kafka { get; }

    /// <summary>The logins of the shared <c>orders</c> database: each deployable runs as its own.</summary>
    public OrdersDatabase Database { get; }

    /// <summary>The shared <c>orders</c> database as the superuser, which no deployable uses: for look-ups.</summary>
    public string ConnectionString => Database.Admin;

    public Uri ApiBaseAddress { get; }

    /// <summary>Mints access tokens the running API accepts.</summary>
    public DevelopmentTokens Tokens { get; }

    /// <summary>Where the processor serves <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c>.</summary>
    public Uri ProcessorBaseAddress { get; private set; } = null!;

    /// <summary>Where the relay serves <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c>.</summary>
    public Uri RelayBaseAddress { get; private set; } = null!;

    public DeployableProcess Api { get; private set; } = null!;

    public DeployableProcess Processor { get; private set; } = null!;

    public DeployableProcess Relay { get; private set; } = null!;

    /// <summary>The operations page; null unless <see cref="OrdersSystemOptions.StartOperations"/> was set.</summary>
    public DeployableProcess? Operations { get; private set; }

    public Uri? OperationsBaseAddress { get; private set; }

    /// <summary>Starts everything, in dependency order, and returns once the API answers ready.</summary>
    public static async Task<OrdersSystem> StartAsync(OrdersSystemOptions options, CancellationToken cancellationToken = default)
    {
        var postgres = options.PostgresDataDirectory is null
            ? await PostgresCluster.StartTemporaryAsync(cancellationToken)
            : await PostgresCluster.StartPersistentAsync(options.PostgresDataDirectory, options.PostgresPort, cancellationToken);
        KafkaStandIn? kafka = null;
        try
        {
            var database = await postgres.EnsureDatabaseAsync(DatabaseName, cancellationToken);
            kafka = KafkaStandIn.Start(options.KafkaBrokers);
            var apiBase = new Uri($"http://127.0.0.1:{options.ApiPort ?? LoopbackPort.Free()}");
            var system = new OrdersSystem(postgres, kafka, database, apiBase, options.Tokens);
            try
            {
                system.CreateProcesses(options);
                await system.StartAllAsync(cancellationToken);
                return system;
            }
            catch
            {
                await system.DisposeAsync();
                throw;
            }
        }
        catch when (kafka is null)
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a deployable that was stopped or killed, and waits until it is ready when it has a probe.</summary>
    public async Task RestartAsync(DeployableProcess deployable, CancellationToken cancellationToken = default)
    {
        deployable.Start();
        if (deployable == Api)
        {
            await WaitForApiAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Starts one more processor in the same consumer group and timeout cluster (for the benchmark's two-node phases
    /// and the kill tests); it is stopped with the system.
    /// </summary>
    public DeployableProcess StartProcessorNode()
    {
        // Its own port for health and metrics: two processes cannot listen on one.
        var node = Processor.Another(
            $"processor-{started.Count(p => p.Name.StartsWith("processor", StringComparison.Ordinal)) + 1}",
            new Dictionary<string, string> { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LoopbackPort.Free()}" });
        node.Start();
        started.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        // Reverse start order: the relay and processor stop before the API and the stores they depend on.
        foreach (var deployable in Enumerable.Reverse(started))
        {
            await deployable.StopAsync(StopGracePeriod);
            await deployable.DisposeAsync();
        }

        Kafka.Dispose();
        await Postgres.DisposeAsync();
    }

    private void CreateProcesses(OrdersSystemOptions options)
    {
        var common = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Kafka__BootstrapServers"] = Kafka.BootstrapServers,
            ["Database__MigrateOnStartup"] = "true",
        };
        foreach (var (key, value) in options.ExtraSettings)
        {
            common[key] = value;
        }

        var processor = new Dictionary<string, string>(common)
        {
            ["ConnectionStrings__Orders"] = Database.Processor,
            ["ConnectionStrings__OrdersMigrations"] = Database.Owner,
            ["OrdersApi__BaseAddress"] = ApiBaseAddress.ToString(),
            ["OrdersApi__Token__DevelopmentSigningKey"] = Tokens.SigningKey,

            // The stand-in holds an empty fetch for the whole wait, which a real broker cuts short when a record arrives.
            ["Kafka__FetchWaitMax"] = "00:00:00.005",

            // The stand-in makes a restarted member wait about the session timeout before it gets partitions again.
            ["Kafka__SessionTimeout"] = "00:00:06",
        };
        if (options.PaymentTimeout is { } payment)
        {
            processor["Fulfilment__PaymentTimeout"] = payment.ToString("c", CultureInfo.InvariantCulture);
        }

        if (options.ShipmentTimeout is { } shipment)
        {
            processor["Fulfilment__ShipmentTimeout"] = shipment.ToString("c", CultureInfo.InvariantCulture);
        }

        var api = new Dictionary<string, string>(common)
        {
            ["ASPNETCORE_URLS"] = ApiBaseAddress.ToString(),
            ["ConnectionStrings__Orders"] = Database.Api,
            ["ConnectionStrings__OrdersMigrations"] = Database.Owner,
            ["Authentication__DevelopmentSigningKey"] = Tokens.SigningKey,
        };
        ProcessorBaseAddress = new Uri($"http://127.0.0.1:{options.ProcessorPort ?? LoopbackPort.Free()}");
        processor["ASPNETCORE_URLS"] = ProcessorBaseAddress.ToString();
        RelayBaseAddress = new Uri($"http://127.0.0.1:{options.RelayPort ?? LoopbackPort.Free()}");
        var relay = new Dictionary<string, string>(common)
        {
            ["ASPNETCORE_URLS"] = RelayBaseAddress.ToString(),
            ["ConnectionStrings__Orders"] = Database.Relay,
        };

        Api = Create("api", "Orders.Api", api);
        Processor = Create("processor", "Orders.Processor", processor);
        Relay = Create("relay", "Orders.Relay", relay);
        if (options.StartOperations)
        {
            OperationsBaseAddress = new Uri($"http://127.0.0.1:{options.OperationsPort ?? LoopbackPort.Free()}");
            // The processor's timeouts too: a re-driven order's restored timeout keeps the processor's deadline.
            var operations = new Dictionary<string, string>(common)
            {
                ["ASPNETCORE_URLS"] = OperationsBaseAddress.ToString(),
                ["ConnectionStrings__Orders"] = Database.Operations,
            };
            foreach (var (key, value) in processor.Where(p => p.Key.StartsWith("Fulfilment__", StringComparison.Ordinal)))
            {
                operations[key] = value;
            }

            Operations = Create("operations", "Orders.Operations", operations);
        }

        DeployableProcess Create(string name, string project, IReadOnlyDictionary<string, string> environment) =>
            new(name, Path.Combine(options.RepositoryRoot, "src", project, "bin", options.Configuration, "net10.0", project + ".dll"),
                environment, options.OnOutput);
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        // The API migrates the outbox schema the relay reads, so it goes first.
        Api.Start();
        started.Add(Api);
        await WaitForApiAsync(cancellationToken);
        CreateTopic();
        Processor.Start();
        started.Add(Processor);
        await ForgetRelayPositionAsync(cancellationToken);
        Relay.Start();
        started.Add(Relay);
        if (Operations is not null)
        {
            Operations.Start();
            started.Add(Operations);
        }
    }

    /// <summary>
    /// The stand-in would create the topic on its first use, which would be the relay's first record: until then the
    /// processor has no partitions to be assigned, and a run would not know when it consumes. Created here, every
    /// broker of the stand-in holds a replica, so a fault test can move leaders.
    /// </summary>
    private void CreateTopic() => Kafka.CreateTopic(Topic);

    /// <summary>
    /// The stand-in starts empty on every run, while a kept database remembers how far the relay got. Events the
    /// relay published last time but the processor had not applied would be gone, so the relay starts over: it
    /// republishes the outbox and the saga passes over every event it has already applied.
    /// </summary>
    private async Task ForgetRelayPositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "DO $$ BEGIN IF to_regclass('orders_relay.outbox_relay_position') IS NOT NULL THEN DELETE FROM orders_relay.outbox_relay_position; END IF; END $$",
            connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task WaitForApiAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = ApiBaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!Api.IsRunning)
            {
                throw new InvalidOperationException("The API exited during start-up; see its log lines above.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow first request while the API warms up.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The API did not answer /health/ready within {StartupTimeout.TotalSeconds} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
