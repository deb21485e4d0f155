using System.Reflection;
using System.Runtime.InteropServices;

namespace Orders.SystemHost;

/// <summary>
/// librdkafka's mock-cluster API (rdkafka_mock.h of librdkafka 2.16), called in the native library that
/// Confluent.Kafka ships. librdkafka marks it experimental and outside its ABI promise, so these signatures are checked
/// against the header of the version we pin.
/// </summary>
internal static partial class MockClusterNative
{
    private const string Library = "librdkafka";

    /// <summary>RD_KAFKA_PRODUCER: the cheapest client type to own a mock cluster.</summary>
    public const int ProducerType = 0;

    static MockClusterNative() => NativeLibrary.SetDllImportResolver(typeof(MockClusterNative).Assembly, Resolve);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    public static partial nint ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(nint conf, string name, string value, byte[] errorText, nuint errorTextSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    public static partial nint New(int type, nint conf, byte[] errorText, nuint errorTextSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(nint client);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial nint ClusterNew(nint client, int brokerCount);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void ClusterDestroy(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial nint ClusterBootstraps(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int BrokerSetDown(nint cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int BrokerSetUp(nint cluster, int brokerId);

    // The variadic rd_kafka_mock_push_request_errors cannot be called safely through P/Invoke; this is its array twin.
    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    public static partial void PushRequestErrors(nint cluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TopicCreate(nint cluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PartitionSetLeader(nint cluster, string topic, int partition, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_start_request_tracking")]
    public static partial void StartRequestTracking(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_stop_request_tracking")]
    public static partial void StopRequestTracking(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_clear_requests")]
    public static partial void ClearRequests(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_get_requests")]
    public static partial nint GetRequests(nint cluster, out nuint count);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_request_destroy_array")]
    public static partial void DestroyRequests(nint requests, nuint count);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_request_api_key")]
    public static partial short RequestApiKey(nint request);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_coordinator_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int CoordinatorSet(nint cluster, string keyType, string key, int brokerId);

    /// <summary>
    /// Loads the build Confluent.Kafka itself would pick on Linux: the redist's default librdkafka.so needs the system's
    /// libsasl2, and where that is missing (as here) Confluent.Kafka falls back to its self-contained CentOS 8 build.
    /// </summary>
    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library || !OperatingSystem.IsLinux())
        {
            return 0;
        }

        var architecture = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var folder = Path.Combine(AppContext.BaseDirectory, "runtimes", architecture, "native");
        foreach (var candidate in new[] { "librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so" })
        {
            if (NativeLibrary.TryLoad(Path.Combine(folder, candidate), out var handle))
            {
                return handle;
            }
        }

        return 0;
    }
}
