using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orders.Contracts;
using Orders.Processor.Kafka;
using Orders.Processor.SagaRepository;
using Orders.Testing;

namespace Orders.Processor.Tests.Kafka;

/// <summary>
/// The Kafka bridge as Program.cs wires it (AddKafkaOrderEvents), but with recording consumers behind the mediator instead of the saga
/// and the journal's batches instead of the saga's transactions.
/// </summary>
public sealed class KafkaBridgeHost : IAsyncDisposable
{
    private readonly StartedHost host;

    private KafkaBridgeHost(StartedHost host)
    {
        this.host = host;
        Journal = host.Services.GetRequiredService<EventJournal>();
        Log = host.Services.GetRequiredService<CapturedLog>();
    }

    public EventJournal Journal { get; }

    public CapturedLog Log { get; }

    public IServiceProvider Services => host.Services;

    public static async Task<KafkaBridgeHost> StartAsync(
        TestTopic topic, Action<EventJournal>? prepare = null, Action<IDictionary<string, string?>>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = ProcessorTestSettings.Kafka(topic.BootstrapServers, topic.Name, topic.GroupId, topic.DeadLetterName);
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
        return new KafkaBridgeHost(await StartedHost.StartAsync(host));
    }

    public Task StopAsync() => host.StopAsync();

    public ValueTask DisposeAsync() => host.DisposeAsync();
}
