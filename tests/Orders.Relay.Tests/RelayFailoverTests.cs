using System.Diagnostics;
using Npgsql;
using Orders.Relay.Lease;
using Orders.Relay.Tests.Support;
using Orders.SystemHost;
using Orders.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Orders.Relay.Tests;

/// <summary>Several relays with one name: one publishes, a standby takes over from a dead one, nothing is lost or reordered.</summary>
[Collection(RelayFixtures.Name)]
public sealed class RelayFailoverTests(PostgresFixture postgres, KafkaFixture kafka, ITestOutputHelper output)
{
    private const string RelayName = "test-relay";
    private const int BatchSize = 50;
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_relays_with_one_name_publish_every_row_exactly_once_through_one_of_them()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-two-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        await using var first = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic, RelayName, BatchSize);
        await using var second = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic, RelayName, BatchSize);
        await Eventually.HoldsAsync(() => LeaseOf(first).IsHeld || LeaseOf(second).IsHeld, "one relay took the lease", Timeout);

        for (var i = 0; i < 150; i++)
        {
            await database.WriteRowAsync(userId: i);
        }

        await collector.WaitForCountAsync(150, Timeout);
        var last = await database.MaxTransactionIdAsync();
        await Eventually.HoldsAsync(async () => await database.PositionAsync(RelayName) == last, "the position reached the last row", Timeout);

        Assert.Equal(150, collector.Count);
        Assert.Equal(150, collector.Records.Select(r => r.Id).Distinct().Count());
        Assert.True(LeaseOf(first).IsHeld ^ LeaseOf(second).IsHeld, "exactly one relay holds the lease");
        var standby = LeaseOf(first).IsHeld ? second : first;
        Assert.Equal(0, standby.Events.Count(BatchPublishedEvent));
        Assert.True(standby.Events.Count(StandingByEvent) >= 1, "the standby said it stands by");
    }

    [Fact]
    public async Task A_standby_takes_over_within_seconds_of_the_active_relay_dying_and_publishes_every_row_in_order()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-failover-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        // The active relay is a process of its own, so that it can really be SIGKILLed.
        await using var active = StartRelayProcess(database.ConnectionString, topic);
        active.Start();
        await Eventually.HoldsAsync(async () => await LeaseEpochAsync(database) > 0, "the relay process took the lease", Timeout);
        await using var standby = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic, RelayName, BatchSize);

        using var stopWriting = new CancellationTokenSource();
        var written = 0;
        var writer = Task.Run(async () =>
        {
            while (!stopWriting.IsCancellationRequested)
            {
                await database.WriteRowAsync(userId: written % 13);
                written++;
            }
        });

        // Killed mid-load: the lease stays in the database until it expires.
        await collector.WaitForCountAsync(200, Timeout);
        await active.KillAsync();
        var killed = Stopwatch.StartNew();
        await Eventually.HoldsAsync(() => LeaseOf(standby).IsHeld, "the standby took the lease over", Timeout);
        var takeover = killed.Elapsed;
        output.WriteLine($"Standby took over {takeover.TotalSeconds:F2} s after the kill (lease {LeaseDuration.TotalSeconds} s)");

        await collector.WaitForCountAsync(collector.Count + 100, Timeout);
        await stopWriting.CancelAsync();
        await writer;
        var last = await database.MaxTransactionIdAsync();
        await Eventually.HoldsAsync(async () => await database.PositionAsync(RelayName) == last, "the standby caught up", Timeout);
        await Eventually.HoldsAsync(
            () => Task.FromResult(collector.Records.Select(r => r.Id).Distinct().Count()),
            distinct => distinct == written,
            "every written row arrived",
            Timeout,
            distinct => $"{distinct} distinct of {written} rows");

        Assert.InRange(takeover, TimeSpan.Zero, LeaseDuration * 3);
        var records = collector.Records;
        Assert.InRange(records.Count - written, 0, BatchSize);
        AssertInOrderExceptRepeats(records);
    }

    [Fact]
    public async Task A_relay_whose_lease_was_taken_stops_publishing_and_cannot_move_the_position()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-fenced-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        await using var relay = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic, RelayName, BatchSize);
        var (_, saved) = await database.WriteRowAsync(userId: 1);
        await collector.WaitForCountAsync(1, Timeout);
        // The position moves after Kafka acknowledged the record, so it may lag the record's arrival.
        await Eventually.HoldsAsync(async () => await database.PositionAsync(RelayName) == saved, "the relay saved its position", Timeout);

        // What a standby does once it believes the lease expired, e.g. while this relay was cut off from PostgreSQL.
        await ExecuteAsync(database.DataSource, $"""
            UPDATE orders_relay.outbox_relay_position SET lease_holder = 'elsewhere', lease_epoch = lease_epoch + 1,
              lease_expires_at = now() + interval '1 hour' WHERE name = '{RelayName}'
            """);
        await Eventually.HoldsAsync(() => relay.Events.Count(LeaseLostEvent) >= 1, "the relay noticed it lost the lease", Timeout);
        Assert.False(LeaseOf(relay).IsHeld);
        for (var i = 0; i < 20; i++)
        {
            await database.WriteRowAsync(userId: i);
        }

        await Eventually.HoldsAsync(() => relay.Events.Count(StandingByEvent) >= 1, "the relay stands by", Timeout);
        Assert.Equal(1, collector.Count);
        Assert.Equal(saved, await database.PositionAsync(RelayName));

        await ExecuteAsync(database.DataSource, $"UPDATE orders_relay.outbox_relay_position SET lease_expires_at = '-infinity' WHERE name = '{RelayName}'");
        await collector.WaitForCountAsync(21, Timeout);
        Assert.Equal(21, collector.Records.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_relay_stopped_gracefully_hands_the_lease_over_at_once()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-handover-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        var active = await RelayHost.StartAsync(
            database.ConnectionString, kafka.BootstrapServers, topic, RelayName, BatchSize, LongLease);
        await Eventually.HoldsAsync(() => LeaseOf(active).IsHeld, "the first relay took the lease", Timeout);
        await using var standby = await RelayHost.StartAsync(
            database.ConnectionString, kafka.BootstrapServers, topic, RelayName, BatchSize, LongLease);
        await database.WriteRowAsync(userId: 1);
        var first = await database.MaxTransactionIdAsync();
        await Eventually.HoldsAsync(async () => await database.PositionAsync(RelayName) == first, "the first row was published", Timeout);

        await active.DisposeAsync();
        await database.WriteRowAsync(userId: 2);

        // The lease would last 10 s; the standby tries every 2 s, so it is in within one try, not after expiry.
        await collector.WaitForCountAsync(2, TimeSpan.FromSeconds(8));
        Assert.True(LeaseOf(standby).IsHeld);
        Assert.Equal(2, collector.Count);
    }

    private const int BatchPublishedEvent = 3001;
    private const int StandingByEvent = 3007;
    private const int LeaseLostEvent = 3008;

    private static readonly Dictionary<string, string?> LongLease = new() { ["Relay:LeaseDuration"] = "00:00:10" };

    private static RelayLease LeaseOf(RelayHost relay) => relay.GetRequiredService<RelayLease>();

    /// <summary>The relay built beside the tests, run as its own process with the same settings as <see cref="RelayHost"/>.</summary>
    private DeployableProcess StartRelayProcess(string connectionString, string topic) => new(
        "relay",
        Path.Combine(AppContext.BaseDirectory, "Orders.Relay.dll"),
        new Dictionary<string, string>
        {
            // Not Production, which refuses the test cluster's logins: they have no passwords.
            ["DOTNET_ENVIRONMENT"] = "Testing",
            ["ConnectionStrings__Orders"] = Orders.SystemHost.OrdersDatabase.Of(connectionString).Relay,
            ["Kafka__BootstrapServers"] = kafka.BootstrapServers,
            ["Relay__Topic"] = topic,
            ["Relay__Name"] = RelayName,
            ["Relay__BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Relay__LeaseDuration"] = "00:00:02",
        },
        (_, _) => { });

    private static async Task<long> LeaseEpochAsync(OutboxDatabase database)
    {
        await using var command = database.DataSource.CreateCommand(
            $"SELECT coalesce(max(lease_epoch), 0) FROM orders_relay.outbox_relay_position WHERE name = '{RelayName}' AND lease_expires_at > now()");
        try
        {
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn)
        {
            return 0;
        }
    }

    /// <summary>
    /// Per partition, every record is either new and later than every row before it, or a repeat of one already seen
    /// (the batch the new holder published again): a row never arrives for the first time out of order.
    /// </summary>
    private static void AssertInOrderExceptRepeats(IReadOnlyList<ReceivedRecord> records)
    {
        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            var seen = new HashSet<long>();
            var newest = long.MinValue;
            foreach (var record in partition.OrderBy(r => r.Offset))
            {
                if (seen.Add(record.TransactionId))
                {
                    Assert.True(record.TransactionId > newest, $"transaction {record.TransactionId} arrived after {newest}");
                    newest = record.TransactionId;
                }
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
