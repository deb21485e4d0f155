using System.Data;
using System.Text.Json.Nodes;
using Npgsql;
using Orders.Testing;
using Xunit;

namespace Orders.Ops.Tests.Connect;

/// <summary>
/// Runs, against PostgreSQL 15, the exact statement the JDBC source connector builds from outbox-source.json in query
/// mode (<c>&lt;query&gt; WHERE "transaction_id" &gt; ? ORDER BY "transaction_id" ASC</c>), next to the seed's
/// table-mode statement, with two writers whose commits come in the opposite order of their ids.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class ConnectorQueryTests(PostgresFixture postgres) : IAsyncLifetime
{
    // The outbox contract (src/Orders.Api migrations CreateOrdersAndOutbox and AddOutboxTraceparent); the tests need
    // nothing else of the schema.
    private const string OutboxTable = """
        CREATE TABLE public.outbox (
            id bigserial PRIMARY KEY,
            user_id bigint NOT NULL,
            aggregate_id uuid NOT NULL,
            type text NOT NULL,
            payload jsonb NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            transaction_id bigint NOT NULL DEFAULT (pg_current_xact_id()::text)::bigint UNIQUE,
            traceparent text)
        """;

    // JdbcSourceConnector, incrementing mode: query mode appends the criteria to the query, unqualified and quoted;
    // table mode (the seed) selects * from the fully qualified table.
    private static readonly string ShippedPoll =
        (string)JsonNode.Parse(RepositoryFiles.ReadAllText("ops/connect/outbox-source.json"))!["query"]!
        + """ WHERE "transaction_id" > $1 ORDER BY "transaction_id" ASC""";

    private const string SeedPoll =
        """SELECT * FROM "public"."outbox" WHERE "public"."outbox"."id" > $1 ORDER BY "public"."outbox"."id" ASC""";

    private string connectionString = "";

    public async Task InitializeAsync()
    {
        connectionString = await postgres.CreateDatabaseAsync();
        await using var connection = await OpenAsync();
        await using var create = new NpgsqlCommand(OutboxTable, connection);
        await create.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_shipped_query_holds_back_a_later_row_until_an_earlier_transaction_commits_and_then_emits_both_in_order()
    {
        await using var slowWriter = await OpenAsync();
        await using var slow = await slowWriter.BeginTransactionAsync();
        var early = await InsertAsync(slowWriter, userId: 1);
        await using var fastWriter = await OpenAsync();
        var late = await InsertAsync(fastWriter, userId: 2);

        Assert.Empty(await PollAsync(ShippedPoll, "transaction_id", offset: -1));

        await slow.CommitAsync();
        var published = await PollAsync(ShippedPoll, "transaction_id", offset: -1);
        Assert.Equal([early.TransactionId, late.TransactionId], published);
        Assert.Equal([late.TransactionId], await PollAsync(ShippedPoll, "transaction_id", offset: early.TransactionId));
    }

    [Fact]
    public async Task The_seeds_id_query_skips_forever_a_row_whose_transaction_commits_after_a_larger_id()
    {
        await using var slowWriter = await OpenAsync();
        await using var slow = await slowWriter.BeginTransactionAsync();
        var early = await InsertAsync(slowWriter, userId: 1);
        await using var fastWriter = await OpenAsync();
        var late = await InsertAsync(fastWriter, userId: 2);

        var firstPoll = await PollAsync(SeedPoll, "id", offset: -1);
        Assert.Equal([late.Id], firstPoll);

        await slow.CommitAsync();
        Assert.True(early.Id < late.Id);
        Assert.Empty(await PollAsync(SeedPoll, "id", offset: firstPoll[^1]));
    }

    [Fact]
    public async Task The_shipped_query_yields_the_eight_contract_columns_in_order_all_but_traceparent_not_null()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(ShippedPoll, connection) { Parameters = { new() { Value = -1L } } };
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SchemaOnly | CommandBehavior.KeyInfo);
        var columns = await reader.GetColumnSchemaAsync();

        Assert.Equal(
            ["id", "user_id", "aggregate_id", "type", "payload", "created_at", "transaction_id", "traceparent"],
            columns.Select(column => column.ColumnName));
        // KeyInfo makes Npgsql read nullability from pg_attribute, as pgjdbc's isNullable does for the connector.
        // JsonConverter writes "optional":false only for columns the driver reports NOT NULL. traceparent is nullable
        // (untraced writers), which does not reach the value: HeaderFrom moves it into a header.
        Assert.All(columns.SkipLast(1), column => Assert.False(column.AllowDBNull, $"{column.ColumnName} is nullable"));
        Assert.True(columns[^1].AllowDBNull);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<(long Id, long TransactionId)> InsertAsync(NpgsqlConnection connection, long userId)
    {
        const string sql = """
            INSERT INTO public.outbox (user_id, aggregate_id, type, payload)
            VALUES ($1, gen_random_uuid(), 'OrderSubmitted', '{}') RETURNING id, transaction_id
            """;
        await using var insert = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = userId } } };
        await using var reader = await insert.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<List<long>> PollAsync(string sql, string offsetColumn, long offset)
    {
        await using var connection = await OpenAsync();
        await using var poll = new NpgsqlCommand(sql, connection) { Parameters = { new() { Value = offset } } };
        await using var reader = await poll.ExecuteReaderAsync();
        var ordinal = reader.GetOrdinal(offsetColumn);
        var offsets = new List<long>();
        while (await reader.ReadAsync())
        {
            offsets.Add(reader.GetInt64(ordinal));
        }

        return offsets;
    }
}
