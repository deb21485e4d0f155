using Confluent.Kafka;
using Npgsql;
using Orders.Operations.Attention;
using Orders.Operations.Data;
using Orders.Operations.Kafka;
using Orders.Operations.Lag;
using Orders.Operations.Reconcile;
using Orders.Operations.Repairs;
using Orders.Operations.Timeline;

namespace Orders.Operations;

public static class OperationsExtensions
{
    /// <summary>
    /// Registers what the page and the reconcile command read and repair with: the shared database
    /// (<c>ConnectionStrings:Orders</c>), the Kafka topics (<c>Kafka</c>, the processor's keys), the processor's timeouts
    /// (<c>Fulfilment</c>) and <see cref="OperationsOptions"/> (<c>Operations</c>).
    /// </summary>
    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString("Orders")
            ?? throw new InvalidOperationException("ConnectionStrings:Orders is not set.");
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));

        builder.Services.AddOptions<OperationsOptions>().Bind(builder.Configuration.GetSection(OperationsOptions.SectionName))
            .Validate(o => o.CancellationConfirmationTimeout > TimeSpan.Zero && o.DeadLettersPerPartition > 0,
                "Operations:CancellationConfirmationTimeout and Operations:DeadLettersPerPartition must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<OperationsKafkaOptions>().Bind(builder.Configuration.GetSection(OperationsKafkaOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.BootstrapServers), "Kafka:BootstrapServers is not set.")
            .ValidateOnStart();
        builder.Services.AddOptions<FulfilmentTimeouts>().Bind(builder.Configuration.GetSection(FulfilmentTimeouts.SectionName));

        builder.Services.AddSingleton(services =>
        {
            var kafka = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OperationsKafkaOptions>>().Value;
            // Murmur2 as the Java clients: a re-sent record lands on the partition the connector put the order on.
            return new ProducerBuilder<byte[], byte[]>(new ProducerConfig
            {
                BootstrapServers = kafka.BootstrapServers,
                Acks = Acks.All,
                EnableIdempotence = true,
                Partitioner = Partitioner.Murmur2Random,
            }).Build();
        });
        builder.Services.AddSingleton<KafkaTopics>();
        builder.Services.AddSingleton<OrderTimelineQuery>();
        builder.Services.AddSingleton<AttentionQuery>();
        builder.Services.AddSingleton<PipelineLagQuery>();
        builder.Services.AddSingleton<ParkedOrderRedrive>();
        builder.Services.AddSingleton<DeadLetterReplay>();
        builder.Services.AddSingleton<TimeoutRetry>();
        builder.Services.AddSingleton<Reconciliation>();
        return builder;
    }
}
