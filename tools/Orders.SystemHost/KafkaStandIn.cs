using Confluent.Kafka;

namespace Orders.SystemHost;

/// <summary>
/// A Kafka stand-in for machines without a broker: librdkafka's mock cluster, which speaks the real Kafka protocol on
/// loopback. It lives as long as this object; other clients and processes reach it at <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// Everything is kept in memory. Topics are created on first use with four partitions, so code that must place keys
/// like the Java producer does (murmur2 over the partition count) sees four partitions here.
/// </remarks>
public sealed class KafkaStandIn : IDisposable
{
    private readonly IAdminClient owner;

    private KafkaStandIn(IAdminClient owner, string bootstrapServers)
    {
        this.owner = owner;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The <c>host:port</c> list that clients put in <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a one-broker mock cluster.</summary>
    public static KafkaStandIn Start()
    {
        var config = new AdminClientConfig();
        config.Set("test.mock.num.brokers", "1");
        var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
        try
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            var bootstrap = string.Join(',', metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
            return new KafkaStandIn(admin, bootstrap);
        }
        catch
        {
            admin.Dispose();
            throw;
        }
    }

    /// <summary>Stops the mock cluster; every topic and offset is gone.</summary>
    public void Dispose() => owner.Dispose();
}
