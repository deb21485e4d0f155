using System.Text;
using Orders.Relay.Tests.Support;
using Xunit;

namespace Orders.Relay.Tests;

/// <summary>The tests' murmur2 is Kafka's: its test vectors and connect-format.md's worked partitions.</summary>
public sealed class Murmur2Tests
{
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Hash_matches_Kafka_test_vectors(string key, int expected) =>
        Assert.Equal(expected, Murmur2.Hash(Encoding.ASCII.GetBytes(key)));

    [Theory]
    [InlineData("Struct{user_id=42}", 3, 0)]
    [InlineData("Struct{user_id=42}", 6, 3)]
    [InlineData("Struct{user_id=7}", 3, 0)]
    [InlineData("Struct{user_id=7}", 6, 0)]
    public void Partition_matches_the_worked_values(string key, int partitions, int expected) =>
        Assert.Equal(expected, Murmur2.Partition(Encoding.UTF8.GetBytes(key), partitions));
}
