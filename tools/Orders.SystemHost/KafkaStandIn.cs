using System.Runtime.InteropServices;
using System.Text;

namespace Orders.SystemHost;

/// <summary>
/// A Kafka stand-in for machines without a broker: librdkafka's mock cluster, which speaks the real Kafka protocol on
/// loopback. It lives as long as this object; other clients and processes reach it at <see cref="BootstrapServers"/>,
/// and <see cref="Faults"/> injects broker faults into it.
/// </summary>
/// <remarks>
/// Everything is kept in memory. Topics are created on first use with four partitions, so code that must place keys
/// like the Java producer does (murmur2 over the partition count) sees four partitions here.
/// </remarks>
public sealed class KafkaStandIn : IDisposable
{
    private readonly nint client;
    private readonly nint cluster;
    private readonly int brokerCount;
    private bool disposed;

    private KafkaStandIn(nint client, nint cluster, int brokerCount)
    {
        this.client = client;
        this.cluster = cluster;
        this.brokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(MockClusterNative.ClusterBootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster has no bootstrap servers.");
        Faults = new BrokerFaults(cluster, brokerCount);
    }

    /// <summary>The <c>host:port</c> list that clients put in <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Brokers down and up, injected request errors and leader moves.</summary>
    public BrokerFaults Faults { get; }

    /// <summary>
    /// Starts a mock cluster of <paramref name="brokers"/> brokers (ids 1 to <paramref name="brokers"/>); more than one
    /// lets partition leaders move and a broker go down while others serve.
    /// </summary>
    public static KafkaStandIn Start(int brokers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var errorText = new byte[512];
        var conf = MockClusterNative.ConfNew();

        // The owning client only anchors the cluster; it connects nowhere, and its log lines would be noise on stderr.
        if (MockClusterNative.ConfSet(conf, "log_level", "0", errorText, (nuint)errorText.Length) != 0)
        {
            throw new InvalidOperationException("librdkafka refused log_level: " + Text(errorText));
        }

        // rd_kafka_new takes the configuration over when it succeeds.
        var client = MockClusterNative.New(MockClusterNative.ProducerType, conf, errorText, (nuint)errorText.Length);
        if (client == 0)
        {
            throw new InvalidOperationException("librdkafka could not create the stand-in's client: " + Text(errorText));
        }

        var cluster = MockClusterNative.ClusterNew(client, brokers);
        if (cluster == 0)
        {
            MockClusterNative.Destroy(client);
            throw new InvalidOperationException("librdkafka could not start a mock cluster.");
        }

        return new KafkaStandIn(client, cluster, brokers);
    }

    /// <summary>
    /// Creates a topic now rather than on first use, with every broker holding a replica so leaders can move.
    /// </summary>
    public void CreateTopic(string topic, int partitions = 4)
    {
        var error = MockClusterNative.TopicCreate(cluster, topic, partitions, brokerCount);
        if (error != 0)
        {
            throw new InvalidOperationException($"The Kafka stand-in could not create {topic}: {(Confluent.Kafka.ErrorCode)error}.");
        }
    }

    /// <summary>Stops the mock cluster; every topic and offset is gone.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        MockClusterNative.ClusterDestroy(cluster);
        MockClusterNative.Destroy(client);
    }

    private static string Text(byte[] errorText) => Encoding.UTF8.GetString(errorText).TrimEnd('\0');
}
