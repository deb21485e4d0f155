using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orders.Processor.Health;
using Orders.ServiceDefaults.Health;

namespace Orders.Processor.Kafka;

/// <summary>Registration of the Kafka bridge that feeds outbox events to the saga.</summary>
public static class KafkaExtensions
{
    /// <summary>
    /// Adds the consumer of the outbox topic (<see cref="KafkaOptions"/>, section <c>Kafka</c>), which decodes each
    /// Kafka Connect record into its <c>Orders.Contracts</c> event and sends it through MassTransit's mediator, a
    /// partition's waiting records inside one <see cref="SagaRepository.ISagaTransactions"/> transaction; the mediator,
    /// the saga and <see cref="SagaRepository.ISagaTransactions"/> are registered elsewhere (<c>AddFulfilment</c>).
    /// Readiness: the cluster answers, partitions are assigned and no partition worker has faulted.
    /// </summary>
    /// <remarks>
    /// This folder (<c>Orders.Processor/Kafka</c>) stands in for MassTransit's Kafka rider (MassTransit.Kafka), which is
    /// not available to us; it is the part to swap out once it is. With the rider, the saga is attached through
    /// <c>AddRider(r =&gt; r.UsingKafka(... k.TopicEndpoint&lt;...&gt;(topic, groupId, e =&gt; e.ConfigureSaga&lt;...&gt;(context))))</c>
    /// instead of the mediator, and <see cref="OutboxRecordDecoder"/> becomes the endpoint's value deserializer.
    /// <see cref="PartitionWorkerHealth"/> (a singleton) tells a health check which partitions are retrying or faulted.
    /// </remarks>
    public static IHostApplicationBuilder AddKafkaOrderEvents(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<KafkaOptions>()
            .BindConfiguration(KafkaOptions.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.BootstrapServers), "Kafka:BootstrapServers is required.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Topic) && !string.IsNullOrWhiteSpace(o.GroupId), "Kafka:Topic and Kafka:GroupId are required.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.DeadLetterTopic) && o.DeadLetterTopic != o.Topic, "Kafka:DeadLetterTopic is required and must differ from Kafka:Topic.")
            .Validate(o => o.SessionTimeout >= TimeSpan.FromSeconds(1) && o.CommitInterval > TimeSpan.Zero, "Kafka:SessionTimeout must be at least a second and Kafka:CommitInterval positive.")
            .Validate(o => o.MaxAttempts > 0, "Kafka:MaxAttempts must be positive.")
            .Validate(o => o.StopTimeout > TimeSpan.Zero && o.StopTimeout < o.SessionTimeout, "Kafka:StopTimeout must be positive and below Kafka:SessionTimeout.")
            .Validate(o => !o.Consumer.ContainsKey(KafkaClientConfigs.AutoCommit), "Kafka:Consumer:enable.auto.commit cannot be set: offsets are committed only past applied records.")
            .Validate(o => o.RetryInitialDelay > TimeSpan.Zero && o.RetryMaxDelay >= o.RetryInitialDelay, "Kafka:RetryInitialDelay must be positive and at most Kafka:RetryMaxDelay.")
            .Validate(o => o.PartitionBufferSize > 0, "Kafka:PartitionBufferSize must be positive.")
            .Validate(o => o.MaxBatchSize > 0, "Kafka:MaxBatchSize must be positive.")
            .Validate(o => o.FetchWaitMax > TimeSpan.Zero, "Kafka:FetchWaitMax must be positive.")
            .ValidateOnStart();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<KafkaConsumerMetrics>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<PartitionWorkerHealth>();
        builder.Services.AddHostedService<OrderEventsConsumer>();
        builder.Services.AddSingleton<ConsumerHealth>();
        builder.Services.AddHealthChecks().AddCheck<ConsumerHealthCheck>("kafka-consumer", tags: [HealthTags.Ready]);
        builder.AddKafkaHealthCheck(new ClientConfig { BootstrapServers = builder.Configuration["Kafka:BootstrapServers"] });
        return builder;
    }
}
