using Npgsql;
using Orders.Relay.Outbox;
using Orders.Relay.Tests.Support;
using Orders.Testing;
using Xunit;

namespace Orders.Relay.Tests;

/// <summary>
/// A transaction that takes its id early and commits late, among concurrent writers: the seed's id-based query passes
/// over its row for good; the shipped connector query and the relay deliver every row once, in commit-safe order.
/// </summary>
[Collection(RelayFixtures.Name)]
public sealed class CommitOrderTests(PostgresFixture postgres, KafkaFixture kafka)
{
    private const string SeedQuery =
        """SELECT * FROM "public"."outbox" WHERE "public"."outbox"."id" > $1 ORDER BY "public"."outbox"."id" ASC""";

    private const string ShippedQuery = OutboxQuery.Connector + """ WHERE "transaction_id" > $1 ORDER BY "transaction_id" ASC""";

    private const int Writers = 4;
    private const int RowsPerWriter = 50;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_row_that_commits_late_is_skipped_by_the_seed_query_but_not_by_the_shipped_query_or_the_relay()
    {
        await using var database = await OutboxDatabase.CreateAsync(postgres);
        var topic = "relay-commit-order-" + Guid.NewGuid().ToString("N");
        using var collector = TopicCollector.Start(kafka.BootstrapServers, topic);
        await using var relay = await RelayHost.StartAsync(database.ConnectionString, kafka.BootstrapServers, topic, batchSize: 20);
        await using var seedReader = new PollingReader(database.DataSource, SeedQuery, "id");
        await using var shippedReader = new PollingReader(database.DataSource, ShippedQuery, "transaction_id");
        seedReader.Start();
        shippedReader.Start();

        // The late transaction takes the next id and its transaction id first, then stays open.
        await using var lateConnection = await database.DataSource.OpenConnectionAsync();
        await using var late = await lateConnection.BeginTransactionAsync();
        long lateId;
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO outbox (user_id, aggregate_id, type, payload) VALUES (1, gen_random_uuid(), 'OrderSubmitted', '{}') RETURNING id",
            lateConnection,
            late))
        {
            lateId = (long)(await insert.ExecuteScalarAsync())!;
        }

        var written = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var ids = new List<long>();
            for (var i = 0; i < RowsPerWriter; i++)
            {
                ids.Add((await database.WriteRowAsync(userId: 100 + writer)).Id);
            }

            return ids;
        })));
        var lastId = written.SelectMany(ids => ids).Max();

        // The seed reader has moved its offset past the open row; the xmin-bounded query cannot have read anything.
        await Eventually.HoldsAsync(() => Task.FromResult(seedReader.Offset), offset => offset == lastId, $"the seed reader reached id {lastId}", Timeout);
        Assert.Empty(shippedReader.Ids);
        Assert.Equal(0, collector.Count);

        await late.CommitAsync();
        var total = (Writers * RowsPerWriter) + 1;
        var pollsAfterCommit = seedReader.Polls + 2;
        await Eventually.HoldsAsync(() => shippedReader.Ids.Count >= total, "the shipped query delivered every row", Timeout);
        await collector.WaitForCountAsync(total, Timeout);
        await Eventually.HoldsAsync(() => seedReader.Polls >= pollsAfterCommit, "the seed reader polled after the commit", Timeout);

        // Concurrent writers alone can make it skip rows too (ids are taken in insert order, not commit order).
        Assert.DoesNotContain(lateId, seedReader.Ids);
        Assert.True(seedReader.Ids.Count < total);

        AssertEveryRowOnceInTransactionOrder(shippedReader.Ids, shippedReader.TransactionIds, total, lateId);
        var published = collector.Records.OrderBy(r => r.TransactionId).ToList();
        AssertEveryRowOnceInTransactionOrder(
            [.. published.Select(r => r.Id)], [.. published.Select(r => r.TransactionId)], total, lateId);
        foreach (var partition in collector.Records.GroupBy(r => r.Partition))
        {
            var inOffsetOrder = partition.OrderBy(r => r.Offset).Select(r => r.TransactionId).ToList();
            Assert.Equal(inOffsetOrder.Order(), inOffsetOrder);
        }
    }

    private static void AssertEveryRowOnceInTransactionOrder(
        IReadOnlyList<long> ids, IReadOnlyList<long> transactionIds, int total, long lateId)
    {
        Assert.Equal(total, ids.Count);
        Assert.Equal(total, ids.Distinct().Count());
        Assert.Equal(transactionIds.Order(), transactionIds);
        Assert.Equal(total, transactionIds.Distinct().Count());

        // The late row's transaction began first, so it comes first, even though it became visible last.
        Assert.Equal(lateId, ids[0]);
    }
}
