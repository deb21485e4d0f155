using System.Diagnostics;
using Orders.Relay.Tests.Support;
using Orders.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Orders.Relay.Tests;

/// <summary>Latency when idle and throughput on a backlog; the measured numbers are written to the test output.</summary>
[Collection(RelayFixtures.Name)]
public sealed class RelayPerformanceTests(PostgresFixture postgres, KafkaFixture kafka, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_row_committed_while_the_relay_is_idle_reaches_the_topic_within_100_ms()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-latency-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        await using var relay = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic);
        await database.WriteRowAsync(userId: 1);
        await collector.WaitForCountAsync(1, Timeout);

        var latencies = new List<double>();
        for (var i = 2; i <= 21; i++)
        {
            await database.WriteRowAsync(userId: i);
            var committed = Stopwatch.GetTimestamp();
            await collector.WaitForCountAsync(i, Timeout);
            latencies.Add(Stopwatch.GetElapsedTime(committed, collector.Records[^1].ArrivedAt).TotalMilliseconds);
        }

        latencies.Sort();
        var median = latencies[latencies.Count / 2];
        output.WriteLine($"Commit to topic over {latencies.Count} rows: p50 {median:F1} ms, max {latencies[^1]:F1} ms");
        Assert.True(median < 100, $"p50 was {median:F1} ms");
    }

    [Fact]
    public async Task A_backlog_of_100000_rows_is_published_completely_and_in_order()
    {
        const int rows = 100_000;
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-backlog-" + Guid.NewGuid().ToString("N");
        var writing = Stopwatch.StartNew();
        await database.WriteManyRowsAsync(rows);
        output.WriteLine($"Wrote {rows} rows (one transaction each) in {writing.Elapsed.TotalSeconds:F1} s");
        var last = await database.MaxTransactionIdAsync();
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);

        var publishing = Stopwatch.StartNew();
        await using var relay = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic);
        await Eventually.HoldsAsync(async () => await database.PositionAsync("test-relay") == last, "the position reached the last row", Timeout);
        publishing.Stop();
        var rate = rows / publishing.Elapsed.TotalSeconds;
        output.WriteLine($"Published {rows} rows in {publishing.Elapsed.TotalSeconds:F2} s: {rate:F0} rows/s");

        await collector.WaitForCountAsync(rows, Timeout);
        var records = collector.Records;
        Assert.Equal(rows, records.Count);
        Assert.Equal(rows, records.Select(r => r.Id).Distinct().Count());
        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            var inOffsetOrder = partition.OrderBy(r => r.Offset).Select(r => r.TransactionId).ToList();
            Assert.Equal(inOffsetOrder.Order(), inOffsetOrder);
        }
    }
}
