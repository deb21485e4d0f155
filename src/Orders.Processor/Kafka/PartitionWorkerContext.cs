using Confluent.Kafka;
using MassTransit.Mediator;
using Orders.Processor.SagaRepository;

namespace Orders.Processor.Kafka;

/// <summary>What every partition worker of one consumer shares.</summary>
internal sealed record PartitionWorkerContext(
    KafkaOptions Options,
    IMediator Mediator,
    ISagaTransactions Transactions,
    IProducer<byte[], byte[]> DeadLetterProducer,
    KafkaConsumerMetrics Metrics,
    PartitionWorkerHealth Health,
    ILogger Logger);
