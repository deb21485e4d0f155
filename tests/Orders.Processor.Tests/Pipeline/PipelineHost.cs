using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orders.Processor.Fulfilment;
using Orders.Processor.Kafka;
using Orders.Processor.OrdersApi;
using Orders.Processor.Tests.Kafka;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>
/// The processor composed exactly as Program.cs does (AddFulfilment + AddKafkaOrderEvents) on a test database and a
/// topic of the Kafka stand-in, with short timings and a fake Orders API as the only replacements.
/// </summary>
internal sealed class PipelineHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool stopped;

    private PipelineHost(IHost host, string groupId)
    {
        this.host = host;
        GroupId = groupId;
        Log = host.Services.GetRequiredService<CapturedLog>();
        Metrics = new MeterTotals(host.Services.GetRequiredService<IMeterFactory>());
    }

    public string GroupId { get; }

    public CapturedLog Log { get; }

    /// <summary>This host's counters, listened to from before it started.</summary>
    public MeterTotals Metrics { get; }

    public IServiceProvider Services => host.Services;

    public static async Task<PipelineHost> StartAsync(
        string connectionString, PipelineTopic topic, string groupId, FakeOrdersApi api, TimeSpan? paymentTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Orders"] = connectionString,
            ["Database:MigrateOnStartup"] = "true",
            ["Fulfilment:PaymentTimeout"] = (paymentTimeout ?? TimeSpan.FromHours(1)).ToString(),
            ["Fulfilment:ShipmentTimeout"] = TimeSpan.FromHours(1).ToString(),
            ["OrdersApi:BaseAddress"] = "http://orders-api.test/",
            ["OrdersApi:Token:DevelopmentSigningKey"] = Orders.SystemHost.DevelopmentTokens.CreateRandom().SigningKey,
            ["Scheduling:IdleWaitTime"] = "00:00:01",
            ["Scheduling:ClusterCheckinInterval"] = "00:00:01",
            ["Scheduling:PollInterval"] = "00:00:00.100",
            ["Scheduling:RetryInterval"] = "00:00:00.500",
            ["Kafka:BootstrapServers"] = topic.BootstrapServers,
            ["Kafka:Topic"] = topic.Name,
            ["Kafka:GroupId"] = groupId,
            ["Kafka:DeadLetterTopic"] = topic.DeadLetterName,
            // The mock cluster makes a rejoining member wait about a session timeout, so keep it short.
            ["Kafka:SessionTimeout"] = "00:00:06",
            ["Kafka:CommitInterval"] = "00:00:00.100",
            ["Kafka:RetryInitialDelay"] = "00:00:00.100",
            ["Kafka:RetryMaxDelay"] = "00:00:00.400",
            ["Kafka:PartitionBufferSize"] = 50.ToString(CultureInfo.InvariantCulture),
        });
        builder.Logging.ClearProviders();
        var log = new CapturedLog();
        builder.Logging.AddProvider(log);
        builder.Services.AddSingleton(log);

        builder.AddFulfilment();
        builder.AddKafkaOrderEvents();
        builder.Services.AddHttpClient<OrdersApiClient>().ConfigurePrimaryHttpMessageHandler(api.CreateHandler);

        var host = builder.Build();
        // MassTransit keeps its log context in a static; a second host must not inherit one disposed with the first.
        MassTransit.LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        var pipelineHost = new PipelineHost(host, groupId);
        await host.StartAsync();
        return pipelineHost;
    }

    public async Task StopAsync()
    {
        if (!stopped)
        {
            stopped = true;
            await host.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        host.Dispose();
        Metrics.Dispose();
    }
}
