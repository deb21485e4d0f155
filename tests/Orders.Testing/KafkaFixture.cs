using Orders.SystemHost;

namespace Orders.Testing;

/// <summary>The Kafka stand-in (librdkafka's mock cluster) for one test collection.</summary>
public sealed class KafkaFixture : IDisposable
{
    private readonly KafkaStandIn standIn = KafkaStandIn.Start();

    public string BootstrapServers => standIn.BootstrapServers;

    public void Dispose() => standIn.Dispose();
}
