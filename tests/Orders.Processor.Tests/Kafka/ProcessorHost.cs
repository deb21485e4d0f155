using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orders.Contracts;
using Orders.Processor.Kafka;
using Orders.Processor.SagaRepository;

namespace Orders.Processor.Tests.Kafka;

/// <summary>
/// A processor host as Program.cs wires it, but with recording consumers behind the mediator instead of the saga
/// and the journal's batches instead of the saga's transactions.
/// </summary>
public sealed class ProcessorHost : IAsyncDisposable
{
    private readonly IHost host;
    private bool stopped;

    private ProcessorHost(IHost host)
    {
        this.host = host;
        Journal = host.Services.GetRequiredService<EventJournal>();
        Log = host.Services.GetRequiredService<CapturedLog>();
    }

    public EventJournal Journal { get; }

    public CapturedLog Log { get; }

    public IServiceProvider Services => host.Services;

    public static async Task<ProcessorHost> StartAsync(
        TestTopic topic, Action<EventJournal>? prepare = null, Action<IDictionary<string, string?>>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = topic.BootstrapServers,
            ["Kafka:Topic"] = topic.Name,
            ["Kafka:GroupId"] = topic.GroupId,
            ["Kafka:DeadLetterTopic"] = topic.DeadLetterName,
            // The mock cluster makes a rejoining member wait about a session timeout, so keep it short.
            ["Kafka:SessionTimeout"] = "00:00:06",
            ["Kafka:CommitInterval"] = "00:00:00.100",
            ["Kafka:RetryInitialDelay"] = "00:00:00.100",
            ["Kafka:RetryMaxDelay"] = "00:00:00.400",
            ["Kafka:PartitionBufferSize"] = 50.ToString(CultureInfo.InvariantCulture),
        };
        configure?.Invoke(settings);
        builder.Configuration.AddInMemoryCollection(settings);
        var log = new CapturedLog();
        builder.Logging.AddProvider(log);
        builder.Services.AddSingleton(log);
        builder.Services.AddSingleton<EventJournal>();
        builder.Services.AddSingleton<ISagaTransactions, JournalTransactions>();
        builder.Services.AddMediator(cfg =>
        {
            cfg.AddConsumer<RecordingConsumer<OrderSubmitted>>();
            cfg.AddConsumer<RecordingConsumer<OrderPaid>>();
            cfg.AddConsumer<RecordingConsumer<OrderShipped>>();
            cfg.AddConsumer<RecordingConsumer<OrderDelivered>>();
            cfg.AddConsumer<RecordingConsumer<OrderCancelled>>();
        });
        builder.AddKafkaOrderEvents();

        var host = builder.Build();
        prepare?.Invoke(host.Services.GetRequiredService<EventJournal>());
        await host.StartAsync();
        return new ProcessorHost(host);
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
    }
}
