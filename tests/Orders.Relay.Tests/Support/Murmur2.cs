namespace Orders.Relay.Tests.Support;

/// <summary>
/// Kafka's <c>Utils.murmur2</c> and the Java producer's key placement, written from the algorithm so the tests can
/// check where the relay's records land independently of librdkafka.
/// </summary>
internal static class Murmur2
{
    public static int Hash(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var h = 0x9747b28cu ^ (uint)data.Length;
        var blocks = data.Length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = (uint)(data[i * 4] | (data[(i * 4) + 1] << 8) | (data[(i * 4) + 2] << 16) | (data[(i * 4) + 3] << 24));
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        var tail = data[(blocks * 4)..];
        if (tail.Length == 3)
        {
            h ^= (uint)tail[2] << 16;
        }

        if (tail.Length >= 2)
        {
            h ^= (uint)tail[1] << 8;
        }

        if (tail.Length >= 1)
        {
            h ^= tail[0];
            h *= m;
        }

        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int)h;
    }

    /// <summary><c>BuiltInPartitioner.partitionForKey</c>: <c>toPositive(murmur2(key)) % numPartitions</c>.</summary>
    public static int Partition(ReadOnlySpan<byte> key, int partitionCount) => (Hash(key) & 0x7fffffff) % partitionCount;
}
