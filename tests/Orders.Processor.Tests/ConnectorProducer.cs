using Confluent.Kafka;

namespace Orders.Processor.Tests;

/// <summary>A producer that writes to the stand-in the way the connector does.</summary>
internal static class ConnectorProducer
{
    /// <summary>Murmur2 over the key (the Java client's partitioner), acks from all replicas, a key's records kept in order.</summary>
    public static IProducer<byte[], byte[]> Create(string bootstrapServers) =>
        new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            Partitioner = Partitioner.Murmur2Random,
        }).Build();
}
