using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Orders.SystemHost;

/// <summary>
/// Real broker faults on the Kafka stand-in, through librdkafka's mock API: brokers that go down and come back,
/// requests answered with protocol errors, partition leaders that move. Clients see what they would see from a
/// broker, on the wire.
/// </summary>
public sealed class BrokerFaults
{
    private readonly nint cluster;

    internal BrokerFaults(nint cluster, int brokerCount)
    {
        this.cluster = cluster;
        BrokerIds = [.. Enumerable.Range(1, brokerCount)];
    }

    /// <summary>The brokers' ids, 1 to the broker count.</summary>
    public IReadOnlyList<int> BrokerIds { get; }

    /// <summary>Closes the broker's connections and refuses new ones; its partitions keep their leader.</summary>
    public void BrokerDown(int brokerId) => Check(MockClusterNative.BrokerSetDown(cluster, CheckBroker(brokerId)), $"broker {brokerId} down");

    /// <summary>Lets the broker accept connections again.</summary>
    public void BrokerUp(int brokerId) => Check(MockClusterNative.BrokerSetUp(cluster, CheckBroker(brokerId)), $"broker {brokerId} up");

    /// <summary>Answers the next requests of this kind, on any broker, with these errors, one request each.</summary>
    public void FailNext(KafkaApiKey request, params ErrorCode[] errors)
    {
        ArgumentOutOfRangeException.ThrowIfZero(errors.Length);
        MockClusterNative.PushRequestErrors(cluster, (short)request, (nuint)errors.Length, [.. errors.Select(e => (int)e)]);
    }

    /// <summary>Makes <paramref name="brokerId"/> the partition's leader; clients learn it from a NOT_LEADER answer.</summary>
    public void MoveLeader(string topic, int partition, int brokerId) =>
        Check(MockClusterNative.PartitionSetLeader(cluster, topic, partition, CheckBroker(brokerId)), $"leader of {topic}[{partition}]");

    /// <summary>Makes <paramref name="brokerId"/> the coordinator of the consumer group.</summary>
    public void MoveGroupCoordinator(string groupId, int brokerId) =>
        Check(MockClusterNative.CoordinatorSet(cluster, "group", groupId, CheckBroker(brokerId)), $"coordinator of {groupId}");

    /// <summary>
    /// Starts counting the requests the brokers receive (from nothing), so a test can see a client react to a fault,
    /// e.g. look for a new coordinator once its own went down.
    /// </summary>
    public void CountRequests()
    {
        MockClusterNative.ClearRequests(cluster);
        MockClusterNative.StartRequestTracking(cluster);
    }

    /// <summary>How many requests of this kind the brokers received since <see cref="CountRequests"/>.</summary>
    public int RequestsReceived(KafkaApiKey request)
    {
        var requests = MockClusterNative.GetRequests(cluster, out var count);
        try
        {
            var received = 0;
            for (var i = 0; i < (int)count; i++)
            {
                if (MockClusterNative.RequestApiKey(Marshal.ReadIntPtr(requests, i * IntPtr.Size)) == (short)request)
                {
                    received++;
                }
            }

            return received;
        }
        finally
        {
            MockClusterNative.DestroyRequests(requests, count);
        }
    }

    /// <summary>Stops counting requests and forgets those counted; tracking keeps every request in memory.</summary>
    public void StopCountingRequests()
    {
        MockClusterNative.StopRequestTracking(cluster);
        MockClusterNative.ClearRequests(cluster);
    }

    private int CheckBroker(int brokerId) =>
        BrokerIds.Contains(brokerId)
            ? brokerId
            : throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, $"The stand-in has brokers {string.Join(", ", BrokerIds)}.");

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"The Kafka stand-in refused {what}: {(ErrorCode)error}.");
        }
    }
}
