using Confluent.Kafka;
using Orders.ServiceDefaults.Health;

namespace Orders.Relay.Publishing;

public static class KafkaProducerExtensions
{
    /// <summary>
    /// Registers the Kafka producer on <c>Kafka:BootstrapServers</c>, configured to place and keep records as Kafka
    /// Connect's producer does: murmur2 partitions, acks from all replicas, per-partition order kept. Further
    /// librdkafka properties can be given under <c>Kafka:Producer</c>, e.g. <c>Kafka:Producer:security.protocol</c>.
    /// Adds the readiness check <c>kafka</c> on the same cluster.
    /// </summary>
    public static IHostApplicationBuilder AddKafkaProducer(this IHostApplicationBuilder builder)
    {
        var bootstrapServers = builder.Configuration["Kafka:BootstrapServers"];
        if (string.IsNullOrWhiteSpace(bootstrapServers))
        {
            throw new InvalidOperationException("Kafka:BootstrapServers is not set.");
        }

        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            // The Java producer's partitioner; librdkafka's default (CRC32) would put keys on other partitions.
            Partitioner = Partitioner.Murmur2Random,
            Acks = Acks.All,
            // Idempotence keeps order through retries without limiting requests in flight to one.
            EnableIdempotence = true,
            // Like Connect (delivery.timeout.ms = MAX_VALUE): while Kafka is away records wait and are retried, so an
            // outage causes neither a failed batch nor duplicates.
            MessageTimeoutMs = 0,
            // The relay hands over a whole batch at once and waits for its acknowledgement, so records are batched
            // without lingering; the default 5 ms would only add to every batch's latency.
            LingerMs = 1,
            // Envelopes repeat their schema in every record, so a batch shrinks several times over: less broker disk
            // and network, and a backlog of 100,000 records fits the Kafka stand-in (it keeps ~5 MB per partition).
            // Consumers see the same key and value bytes; Connect's producer can do the same with compression.type.
            CompressionType = CompressionType.Lz4,
        };

        // Anything else librdkafka knows (security.protocol, sasl.*, ssl.*, reconnect.backoff.max.ms...) passes through.
        foreach (var setting in builder.Configuration.GetSection("Kafka:Producer").AsEnumerable(makePathsRelative: true))
        {
            if (setting.Value is not null)
            {
                config.Set(setting.Key, setting.Value);
            }
        }

        builder.Services.AddSingleton(services =>
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Orders.Relay.Kafka");
            return new ProducerBuilder<byte[]?, byte[]>(config)
                .SetErrorHandler((_, error) => Log.KafkaError(logger, error.Code, error.Reason))
                .SetLogHandler((_, message) => Log.KafkaClientLog(logger, message.Facility, message.Message))
                .Build();
        });
        builder.AddKafkaHealthCheck(config);
        return builder;
    }
}
