using Npgsql;
using Orders.Relay.Tests.Support;
using Orders.Testing;
using Xunit;

namespace Orders.Relay.Tests;

/// <summary>At-least-once through crashes and outages: nothing is lost, duplicates stay within one batch.</summary>
[Collection(RelayFixtures.Name)]
public sealed class RelayRecoveryTests(PostgresFixture postgres, KafkaFixture kafka)
{
    private const string RelayName = "test-relay";
    private const int BatchSize = 50;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_relay_killed_between_the_acknowledgement_and_the_position_save_republishes_only_that_batch()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-crash-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        var first = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic, RelayName, BatchSize);
        for (var i = 0; i < 120; i++)
        {
            await database.WriteRowAsync(userId: i);
        }

        var saved = await database.MaxTransactionIdAsync();
        await Eventually.HoldsAsync(async () => await database.PositionAsync(RelayName) == saved, "the first rows were published", Timeout);

        // Block the next position save, which comes after Kafka acknowledged the batch, then kill the relay there. A
        // table lock takes no transaction id, so it does not hold back what the relay may read; a row lock would.
        await using (var blocker = await database.DataSource.OpenConnectionAsync())
        await using (var hold = await blocker.BeginTransactionAsync())
        {
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE orders_relay.outbox_relay_position IN SHARE MODE", blocker, hold))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            for (var i = 0; i < 30; i++)
            {
                await database.WriteRowAsync(userId: i);
            }

            await Eventually.HoldsAsync(() => collector.Count > 120, "a batch after the saved position reached Kafka", Timeout);
            first.Kill();

            // The killed relay's blocked save must be gone before the lock goes, or it could still commit.
            await Eventually.HoldsAsync(
                async () => await CountAsync(database.DataSource, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0,
                "the killed relay's position save was cancelled",
                Timeout);
            await hold.RollbackAsync();
        }

        Assert.Equal(saved, await database.PositionAsync(RelayName));

        for (var i = 0; i < 30; i++)
        {
            await database.WriteRowAsync(userId: i);
        }

        var last = await database.MaxTransactionIdAsync();
        await using var second = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic, RelayName, BatchSize);
        await Eventually.HoldsAsync(async () => await database.PositionAsync(RelayName) == last, "the restarted relay caught up", Timeout);
        // The position only says Kafka has the rows; the collector may still be reading them. Duplicates count towards
        // its total, so wait for every distinct row and for the republished batch (the kill came after its
        // acknowledgement, so at least one row arrives twice).
        await Eventually.HoldsAsync(
            () => Task.FromResult((Distinct: collector.Records.Select(r => r.Id).Distinct().Count(), Records: collector.Count)),
            seen => seen.Distinct == 180 && seen.Records > 180,
            "all 180 rows arrived, some twice",
            Timeout);

        var records = collector.Records;
        var ids = records.Select(r => r.Id).ToList();
        Assert.Equal(180, ids.Distinct().Count());
        var duplicates = ids.Count - 180;
        Assert.InRange(duplicates, 1, BatchSize);
        Assert.All(records.GroupBy(r => r.Id).Where(g => g.Count() > 1), g => Assert.True(g.First().TransactionId > saved));
    }

    [Fact]
    public async Task A_relay_started_while_Kafka_is_unreachable_retries_and_catches_up_without_losing_rows()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-kafka-down-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        using var proxy = new TcpProxy(kafka.BootstrapServers);
        await using var relay = await RelayHost.StartAsync(
            database.ConnectionString,
            proxy.Address,
            topic,
            RelayName,
            BatchSize,
            new Dictionary<string, string?> { ["Kafka:Producer:reconnect.backoff.max.ms"] = "200" });
        for (var i = 0; i < 120; i++)
        {
            await database.WriteRowAsync(userId: i);
        }

        // librdkafka reports the refused connections (EventId 3005) and keeps the records; nothing is acknowledged.
        await Eventually.HoldsAsync(() => relay.Events.Count(3005) >= 3, "the relay reported Kafka unreachable", Timeout);
        Assert.Equal(-1, await database.PositionAsync(RelayName));
        Assert.Equal(0, collector.Count);

        proxy.Start();
        var last = await database.MaxTransactionIdAsync();
        await Eventually.HoldsAsync(async () => await database.PositionAsync(RelayName) == last, "the relay caught up", Timeout);
        await collector.WaitForCountAsync(120, Timeout);
        var ids = collector.Records.Select(r => r.Id).ToList();
        Assert.Equal(120, ids.Count);
        Assert.Equal(120, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_relay_that_loses_the_database_retries_with_backoff_and_catches_up()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-db-down-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        await using var relay = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic, RelayName, BatchSize);
        await database.WriteRowAsync(userId: 1);
        await collector.WaitForCountAsync(1, Timeout);

        var databaseName = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database!;
        await using var admin = NpgsqlDataSource.Create(postgres.Cluster.AdminConnectionString);
        await ExecuteAsync(admin, $"ALTER DATABASE \"{databaseName}\" ALLOW_CONNECTIONS false");
        await ExecuteAsync(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{databaseName}'");
        await Eventually.HoldsAsync(() => relay.Events.Count(3002) >= 3, "the relay reported failed attempts", Timeout);

        await ExecuteAsync(admin, $"ALTER DATABASE \"{databaseName}\" ALLOW_CONNECTIONS true");
        database.DataSource.Clear();
        for (var i = 0; i < 60; i++)
        {
            await database.WriteRowAsync(userId: i);
        }

        await collector.WaitForCountAsync(61, Timeout);
        Assert.True(relay.Events.Count(3003) >= 1, "the relay logged its recovery");
        var ids = collector.Records.Select(r => r.Id).ToList();
        Assert.Equal(61, ids.Distinct().Count());
        Assert.Equal(61, ids.Count);
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
