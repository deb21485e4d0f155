using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orders.Processor.Fulfilment;
using Orders.Processor.Kafka;
using Orders.Processor.OrdersApi;
using Orders.Processor.Tests.Kafka;
using Orders.Testing;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>
/// The processor composed exactly as Program.cs does (AddFulfilment + AddKafkaOrderEvents) on a test database and a
/// topic of the Kafka stand-in, with short timings and a fake Orders API as the only replacements.
/// </summary>
internal sealed class PipelineHost : IAsyncDisposable
{
    private readonly StartedHost host;

    private PipelineHost(StartedHost host, string groupId, MeterTotals metrics)
    {
        this.host = host;
        GroupId = groupId;
        Log = host.Services.GetRequiredService<CapturedLog>();
        Metrics = metrics;
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
        var settings = ProcessorTestSettings.Fulfilment(connectionString, paymentTimeout);
        foreach (var (key, value) in ProcessorTestSettings.Kafka(topic.BootstrapServers, topic.Name, groupId, topic.DeadLetterName))
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
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
        // Listening from before the start, so the counters miss nothing the host does.
        var metrics = new MeterTotals(host.Services.GetRequiredService<IMeterFactory>());
        return new PipelineHost(await StartedHost.StartAsync(host), groupId, metrics);
    }

    public Task StopAsync() => host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        Metrics.Dispose();
    }
}
