using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orders.Api.Data;
using Orders.Api.Outbox;
using Orders.Contracts;
using Orders.Testing;

namespace Orders.Relay.Tests.Support;

/// <summary>
/// A fresh database with the API's schema (its own EF migrations, applied as the schema's owner, as deployed), and
/// ways to write outbox rows into it.
/// </summary>
internal sealed class OutboxDatabase : IAsyncDisposable
{
    private OutboxDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<OutboxDatabase> CreateAsync(PostgresFixture postgres)
    {
        var database = new OutboxDatabase(await postgres.CreateDatabaseAsync());
        await using var context = database.CreateContext(Orders.SystemHost.OrdersDatabase.Of(database.ConnectionString).Owner);
        await context.Database.MigrateAsync();
        return database;
    }

    /// <summary>The API's DbContext, configured as <c>AddOrdersDatabase</c> configures it, as the superuser or <paramref name="login"/>.</summary>
    public OrdersDbContext CreateContext(string? login = null) => new(new DbContextOptionsBuilder<OrdersDbContext>()
        .UseNpgsql(login ?? ConnectionString, npgsql => npgsql.MigrationsHistoryTable(OrdersDbContext.MigrationsHistoryTable))
        .UseSnakeCaseNamingConvention()
        .Options);

    /// <summary>Writes one event the way the API does: an <see cref="OutboxMessage"/> in its own transaction.</summary>
    public async Task<OutboxMessage> WriteEventAsync(IOrderEvent orderEvent, DateTimeOffset? createdAt = null)
    {
        await using var context = CreateContext();
        var message = new OutboxMessage
        {
            UserId = orderEvent.UserId,
            AggregateId = orderEvent.OrderId,
            Type = OrderEventTypes.NameOf(orderEvent),
            Payload = JsonSerializer.Serialize(orderEvent, orderEvent.GetType(), OrderEventTypes.JsonOptions),
            CreatedAt = createdAt ?? orderEvent.OccurredAt,
        };
        context.Outbox.Add(message);
        await context.SaveChangesAsync();
        return message;
    }

    /// <summary>Writes one row with plain SQL in its own transaction and returns its id and transaction_id.</summary>
    public async Task<(long Id, long TransactionId)> WriteRowAsync(long userId, string type = "OrderPaid", string payload = "{}")
    {
        await using var command = DataSource.CreateCommand(
            "INSERT INTO outbox (user_id, aggregate_id, type, payload) VALUES ($1, $2, $3, $4::jsonb) RETURNING id, transaction_id");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = payload });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Writes <paramref name="count"/> rows, each in a transaction of its own, inside the server.</summary>
    public async Task WriteManyRowsAsync(int count)
    {
        // COMMIT inside a DO block starts a new transaction per row: the unique transaction_id allows one row each.
        await using var command = DataSource.CreateCommand($$"""
            DO $$
            BEGIN
              FOR i IN 1..{{count}} LOOP
                INSERT INTO outbox (user_id, aggregate_id, type, payload)
                VALUES (i % 97, gen_random_uuid(), 'OrderPaid', jsonb_build_object('n', i));
                COMMIT;
              END LOOP;
            END $$;
            """);
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> MaxTransactionIdAsync()
    {
        await using var command = DataSource.CreateCommand("SELECT coalesce(max(transaction_id), -1) FROM outbox");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The relay's saved position, or null before the relay created its row.</summary>
    public async Task<long?> PositionAsync(string relayName)
    {
        await using var command = DataSource.CreateCommand(
            "SELECT position FROM orders_relay.outbox_relay_position WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = relayName });
        try
        {
            return await command.ExecuteScalarAsync() as long?;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
