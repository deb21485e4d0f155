using Confluent.Kafka;

namespace Orders.Processor.Kafka;

/// <summary>The librdkafka settings of the bridge's consumer and dead-letter producer, from <see cref="KafkaOptions"/>.</summary>
internal static class KafkaClientConfigs
{
    public const string AutoCommit = "enable.auto.commit";

    public static ConsumerConfig Consumer(KafkaOptions options)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.GroupId,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = (int)options.SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = (int)(options.SessionTimeout.TotalMilliseconds / 3),

            // A subscription to a topic that does not exist yet (no event published so far) is only looked up again
            // at this interval; librdkafka's default of 5 minutes left a fresh system idle that long.
            TopicMetadataRefreshIntervalMs = 5000,
            FetchWaitMaxMs = (int)options.FetchWaitMax.TotalMilliseconds,
        };
        Apply(config, options.Consumer);
        // Last, so no setting can turn it on: an offset may only move past records the saga committed.
        config.EnableAutoCommit = false;
        return config;
    }

    public static ProducerConfig DeadLetterProducer(KafkaOptions options)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
        };
        Apply(config, options.Producer);
        return config;
    }

    private static void Apply(ClientConfig config, Dictionary<string, string> settings)
    {
        foreach (var (name, value) in settings)
        {
            config.Set(name, value);
        }
    }
}
