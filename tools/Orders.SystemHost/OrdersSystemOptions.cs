namespace Orders.SystemHost;

/// <summary>How <see cref="OrdersSystem"/> starts the whole system on one machine.</summary>
public sealed class OrdersSystemOptions
{
    /// <summary>The checkout's root folder (holding <c>Orders.sln</c>).</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Build configuration whose outputs are run, e.g. <c>Debug</c>.</summary>
    public string Configuration { get; init; } = "Debug";

    /// <summary>Where PostgreSQL keeps its data between runs; <c>null</c> for a throw-away cluster.</summary>
    public string? PostgresDataDirectory { get; init; }

    /// <summary>PostgreSQL's port; <c>null</c> picks a free one.</summary>
    public int? PostgresPort { get; init; }

    /// <summary>The API's port; <c>null</c> picks a free one.</summary>
    public int? ApiPort { get; init; }

    /// <summary>Also start the operations page (<c>Orders.Operations</c>), after the relay.</summary>
    public bool StartOperations { get; init; }

    /// <summary>The operations page's port; <c>null</c> picks a free one.</summary>
    public int? OperationsPort { get; init; }

    /// <summary>Brokers of the Kafka stand-in; more than one lets <see cref="KafkaStandIn.Faults"/> move leaders.</summary>
    public int KafkaBrokers { get; init; } = 1;

    /// <summary>The port of the processor's health and metrics endpoints; <c>null</c> picks a free one.</summary>
    public int? ProcessorPort { get; init; }

    /// <summary>The port of the relay's health and metrics endpoints; <c>null</c> picks a free one.</summary>
    public int? RelayPort { get; init; }

    /// <summary>The saga's payment deadline (<c>Fulfilment:PaymentTimeout</c>); <c>null</c> keeps the processor's default.</summary>
    public TimeSpan? PaymentTimeout { get; init; }

    /// <summary>The saga's shipment deadline (<c>Fulfilment:ShipmentTimeout</c>); <c>null</c> keeps the default.</summary>
    public TimeSpan? ShipmentTimeout { get; init; }

    /// <summary>
    /// The development signing key the API trusts and the processor signs its own tokens with; a fresh one by default.
    /// </summary>
    public DevelopmentTokens Tokens { get; init; } = DevelopmentTokens.CreateRandom();

    /// <summary>Extra settings given to every deployable, as <c>Section__Key</c> environment variables.</summary>
    public IReadOnlyDictionary<string, string> ExtraSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Receives (process name, line) for everything the deployables write.</summary>
    public Action<string, string> OnOutput { get; init; } = (_, _) => { };
}
