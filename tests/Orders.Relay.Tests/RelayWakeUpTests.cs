using Npgsql;
using Orders.Relay.Tests.Support;
using Orders.Testing;
using Xunit;

namespace Orders.Relay.Tests;

/// <summary>The outbox trigger's commit notification wakes the relay; polling only covers what it cannot see.</summary>
[Collection(RelayFixtures.Name)]
public sealed class RelayWakeUpTests(PostgresFixture postgres, KafkaFixture kafka)
{
    private static readonly TimeSpan WellBeforeAnyPoll = TimeSpan.FromSeconds(5);

    // Every poll and renewal comes later than the waits below, so only a notification can explain a quick arrival.
    private static readonly Dictionary<string, string?> SlowPolling = new()
    {
        ["Relay:IdlePollInterval"] = "00:01:00",
        ["Relay:LeaseDuration"] = "00:01:00",
    };

    [Fact]
    public async Task A_commit_wakes_an_idle_relay_long_before_its_poll_interval()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-wake-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        await using var relay = await RelayHost.StartAsync(
            database.ConnectionString, kafka.BootstrapServers, topic, extraSettings: SlowPolling);
        await Eventually.HoldsAsync(() => relay.Events.Count(ListeningEvent) >= 1, "the relay listens", WellBeforeAnyPoll);
        await database.WriteRowAsync(userId: 1);
        await collector.WaitForCountAsync(1, WellBeforeAnyPoll);

        for (var i = 2; i <= 5; i++)
        {
            await database.WriteRowAsync(userId: i);
            await collector.WaitForCountAsync(i, WellBeforeAnyPoll);
        }
    }

    [Fact]
    public async Task A_notified_row_held_back_by_an_older_transaction_is_published_when_that_transaction_ends()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-held-back-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        await using var relay = await RelayHost.StartAsync(
            database.ConnectionString, kafka.BootstrapServers, topic, extraSettings: SlowPolling);
        await Eventually.HoldsAsync(() => relay.Events.Count(ListeningEvent) >= 1, "the relay listens", WellBeforeAnyPoll);

        // An older transaction that writes no outbox row, so its commit sends no notification.
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var older = await connection.BeginTransactionAsync();
        await using (var takeId = new NpgsqlCommand("SELECT pg_current_xact_id()", connection, older))
        {
            await takeId.ExecuteScalarAsync();
        }

        await database.WriteRowAsync(userId: 1);
        await older.CommitAsync();

        await collector.WaitForCountAsync(1, WellBeforeAnyPoll);
    }

    private const int ListeningEvent = 3013;
}
