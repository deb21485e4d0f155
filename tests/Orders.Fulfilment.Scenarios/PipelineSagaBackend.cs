using System.Globalization;
using Confluent.Kafka;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Orders.Contracts;
using Orders.Processor.Data;
using Orders.Processor.Fulfilment;
using Orders.Processor.Kafka;
using Orders.Processor.OrdersApi;
using Quartz;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// The processor composed as Program.cs composes it (AddFulfilment + AddKafkaOrderEvents) on a database of its own and
/// a topic of the Kafka stand-in: events go in as connector records, the saga row and the timeout table are read back
/// from PostgreSQL, and timeouts fire through the Quartz clock's claim. One host serves many scenarios (each with its
/// own orders); its clock only moves forward. Replaced: the Orders API (by <see cref="ScenarioOrdersApi"/>, without
/// the client's resilience handler, whose retry delays would run on the virtual clock) and the time source.
/// </summary>
public sealed class PipelineSagaBackend : ISagaBackend, IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly IHost host;
    private readonly string connectionString;
    private readonly string topic;
    private readonly IProducer<byte[], byte[]> producer;
    private readonly IConsumer<byte[], byte[]> offsets;
    private readonly SemaphoreSlim serial = new(1, 1);
    private readonly RunningJobs clockFirings;
    private long nextOutboxId;

    private PipelineSagaBackend(
        string name, IHost host, string connectionString, string bootstrapServers, string topic, string groupId,
        FakeTimeProvider clock, ScenarioOrdersApi api, RunningJobs clockFirings)
    {
        this.clockFirings = clockFirings;
        Name = name;
        this.host = host;
        this.connectionString = connectionString;
        this.topic = topic;
        Clock = clock;
        Api = api;
        // As the connector produces: murmur2 over the key, so an order's records stay in order on one partition.
        producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            Partitioner = Partitioner.Murmur2Random,
            LingerMs = 0,
        }).Build();
        offsets = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
        }).Build();
    }

    public string Name { get; }

    public FakeTimeProvider Clock { get; }

    public ScenarioOrdersApi Api { get; }

    /// <param name="connectionString">An empty database; the host migrates it.</param>
    /// <param name="bootstrapServers">The Kafka stand-in.</param>
    /// <param name="batched">Partition batches on (<c>Kafka:MaxBatchSize</c> 100, the default) or off (1).</param>
    /// <param name="clock">The time source of the saga and of the timeout clock's claim.</param>
    public static async Task<PipelineSagaBackend> StartAsync(
        string connectionString, string bootstrapServers, bool batched, FakeTimeProvider clock)
    {
        var topic = "scenario-outbox-" + Guid.NewGuid().ToString("N")[..12];
        var groupId = "scenario-processor-" + Guid.NewGuid().ToString("N")[..12];
        var api = new ScenarioOrdersApi();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        var logins = Orders.SystemHost.OrdersDatabase.Of(connectionString);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Orders"] = logins.Processor,
            ["ConnectionStrings:OrdersMigrations"] = logins.Owner,
            ["Database:MigrateOnStartup"] = "true",
            ["OrdersApi:BaseAddress"] = "http://orders-api.scenario/",
            // The fake Orders API takes any token; the client only needs a key to sign one with outside Production.
            ["OrdersApi:Token:DevelopmentSigningKey"] = Orders.SystemHost.DevelopmentTokens.CreateRandom().SigningKey,
            ["Scheduling:IdleWaitTime"] = "00:00:01",
            ["Scheduling:ClusterCheckinInterval"] = "00:00:01",
            ["Scheduling:PollInterval"] = "00:00:00.050",
            ["Kafka:BootstrapServers"] = bootstrapServers,
            ["Kafka:Topic"] = topic,
            ["Kafka:GroupId"] = groupId,
            ["Kafka:DeadLetterTopic"] = topic + ".dlq",
            // The mock cluster makes a rejoining member wait about a session timeout, so keep it short.
            ["Kafka:SessionTimeout"] = "00:00:06",
            ["Kafka:CommitInterval"] = "00:00:00.020",
            ["Kafka:FetchWaitMax"] = "00:00:00.010",
            ["Kafka:MaxBatchSize"] = (batched ? 100 : 1).ToString(CultureInfo.InvariantCulture),
        });
        builder.Logging.ClearProviders();
        builder.AddFulfilment();
        builder.AddKafkaOrderEvents();
        // After AddFulfilment, so it replaces the system clock there (the last registration is the one resolved).
        builder.Services.AddKeyedSingleton<TimeProvider>(FulfilmentExtensions.ClockKey, clock);
#pragma warning disable EXTEXP0001 // The only way to take the standard handler off a client registered elsewhere.
        builder.Services.AddHttpClient<OrdersApiClient>().RemoveAllResilienceHandlers().ConfigurePrimaryHttpMessageHandler(api.CreateHandler);
#pragma warning restore EXTEXP0001

        var host = builder.Build();
        // MassTransit keeps its log context in a static; a second host must not inherit one disposed with the first.
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        await host.StartAsync();
        // Only now: the scheduler validates its store on creation, after the start-up migration made it.
        var clockFirings = new RunningJobs();
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        scheduler.ListenerManager.AddJobListener(clockFirings);
        return new PipelineSagaBackend(
            batched ? "pipeline-batched" : "pipeline", host, connectionString, bootstrapServers, topic, groupId, clock, api, clockFirings);
    }

    public async Task DeliverAsync(IReadOnlyList<IOrderEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        await serial.WaitAsync();
        try
        {
            // Started in order on one idempotent producer: an order's records keep their order on its partition.
            var deliveries = events
                .Select(e => producer.ProduceAsync(topic, new Message<byte[], byte[]>
                {
                    Key = ConnectorRecord.Key(e),
                    Value = ConnectorRecord.Value(e, Interlocked.Increment(ref nextOutboxId)),
                }))
                .ToList();
            var positions = (await Task.WhenAll(deliveries)).Select(d => d.TopicPartitionOffset).ToList();
            // The bridge commits an offset only after the saga committed the record's transaction.
            await UntilAsync(() => Task.FromResult(CommittedPast(positions)), "the processor commits the records' offsets");
        }
        finally
        {
            serial.Release();
        }
    }

    public async Task<DateTimeOffset?> NextDueAsync(DateTimeOffset until)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT min(due_at) FROM fulfilment.scheduled_timeout WHERE due_at <= $1", connection)
        {
            Parameters = { new() { Value = until } },
        };
        return await command.ExecuteScalarAsync() is DateTime due ? new DateTimeOffset(due, TimeSpan.Zero) : null;
    }

    public async Task DeliverDueTimeoutsAsync()
    {
        var now = Clock.GetUtcNow();
        // In this order: once no row is due, every due row has been claimed, and a firing that claimed rows ends only
        // after it delivered them all.
        await UntilAsync(
            async () => await NextDueAsync(now) is null && !clockFirings.Any,
            $"the clock delivers the timeouts due at {now:O}");
    }

    public Task DeliverTimeoutAsync(object message, Guid tokenId)
    {
        ArgumentNullException.ThrowIfNull(message);
        // Exactly what the clock does with a claimed row.
        return host.Services.GetRequiredService<MassTransit.Mediator.IMediator>().Send(
            message,
            message.GetType(),
            Pipe.Execute<SendContext>(c => c.Headers.Set(MessageHeaders.SchedulingTokenId, tokenId.ToString("D"))));
    }

    public async Task<OrderFulfilmentState?> LoadAsync(Guid orderId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FulfilmentDbContext>();
        return await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.CorrelationId == orderId);
    }

    public async Task<IReadOnlyList<PendingTimeout>> TimeoutsAsync(Guid orderId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT message_type, due_at FROM fulfilment.scheduled_timeout WHERE correlation_id = $1 ORDER BY due_at", connection)
        {
            Parameters = { new() { Value = orderId } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var timeouts = new List<PendingTimeout>();
        while (await reader.ReadAsync())
        {
            var type = reader.GetString(0);
            timeouts.Add(new PendingTimeout(type[(type.LastIndexOf('.') + 1)..], reader.GetFieldValue<DateTimeOffset>(1)));
        }

        return timeouts;
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        producer.Dispose();
        offsets.Dispose();
        serial.Dispose();
    }

    private bool CommittedPast(IReadOnlyList<TopicPartitionOffset> positions)
    {
        var committed = offsets.Committed(positions.Select(p => p.TopicPartition).Distinct(), TimeSpan.FromSeconds(10))
            .ToDictionary(o => o.TopicPartition, o => o.Offset.Value);
        return positions.All(p => committed[p.TopicPartition] > p.Offset.Value);
    }

    private async Task UntilAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Not within {Deadline.TotalSeconds} s: {what} (clock firing running: {clockFirings.Any}, next due: {await NextDueAsync(DateTimeOffset.MaxValue):O}).");
            }

            await Task.Delay(10);
        }
    }
}
