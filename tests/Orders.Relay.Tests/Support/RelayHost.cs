using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orders.Relay.Outbox;
using Orders.Relay.Publishing;

namespace Orders.Relay.Tests.Support;

/// <summary>
/// The relay as deployed (the same Add… calls as Program.cs, the <c>orders_relay</c> login of the database whose
/// superuser connection string it is given), hosted in the test process.
/// </summary>
internal sealed class RelayHost : IAsyncDisposable
{
    private readonly IHost host;

    private RelayHost(IHost host, EventLog events)
    {
        this.host = host;
        Events = events;
    }

    /// <summary>The relay's log events, by EventId.</summary>
    public EventLog Events { get; }

    public static async Task<RelayHost> StartAsync(
        string connectionString,
        string bootstrapServers,
        string topic,
        string name = "test-relay",
        int batchSize = 1000,
        IDictionary<string, string?>? extraSettings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Orders"] = Orders.SystemHost.OrdersDatabase.Of(connectionString).Relay,
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Relay:Topic"] = topic,
            ["Relay:Name"] = name,
            ["Relay:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:PollInterval"] = "00:00:00.010",
            ["Relay:LeaseDuration"] = "00:00:02",
            ["Relay:MaxRetryDelay"] = "00:00:00.500",
        });
        if (extraSettings is not null)
        {
            builder.Configuration.AddInMemoryCollection(extraSettings);
        }

        var events = new EventLog();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(events);
        builder.AddOutboxDatabase();
        builder.AddKafkaProducer();
        builder.AddOutboxRelay();
        var host = builder.Build();
        await host.StartAsync();
        return new RelayHost(host, events);
    }

    public TService GetRequiredService<TService>()
        where TService : notnull => host.Services.GetRequiredService<TService>();

    /// <summary>Stops like a crash would: no graceful stop, whatever the relay was doing is cut off.</summary>
    public void Kill() => host.Dispose();

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>Counts log events by EventId.</summary>
    internal sealed class EventLog : ILoggerProvider
    {
        private readonly ConcurrentDictionary<int, int> counts = new();

        public int Count(int eventId) => counts.GetValueOrDefault(eventId);

        public ILogger CreateLogger(string categoryName) => new Counter(counts);

        public void Dispose()
        {
        }

        private sealed class Counter(ConcurrentDictionary<int, int> counts) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(
                LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                counts.AddOrUpdate(eventId.Id, 1, (_, n) => n + 1);
        }
    }
}
