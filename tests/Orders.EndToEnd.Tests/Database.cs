using Npgsql;

namespace Orders.EndToEnd.Tests;

/// <summary>Reads what an operator would read: the orders table and the saga table, with plain SQL.</summary>
internal sealed class Database(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    public sealed record SagaRow(Guid OrderId, string State, int LastSequence, string? CancellationReason);

    public async Task<IReadOnlyDictionary<Guid, SagaRow>> SagasAsync(IReadOnlyCollection<Guid> orderIds)
    {
        var rows = new Dictionary<Guid, SagaRow>();
        await using var command = dataSource.CreateCommand(
            "SELECT correlation_id, current_state, last_sequence, cancellation_reason FROM fulfilment.order_state WHERE correlation_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", orderIds.ToArray());
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = new SagaRow(reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3));
                rows[row.OrderId] = row;
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The processor has not migrated its schema yet.
        }

        return rows;
    }

    public async Task<(string Status, string? CancellationReason, int Sequence)> OrderAsync(Guid id)
    {
        await using var command = dataSource.CreateCommand("SELECT status, cancellation_reason, sequence FROM orders WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException($"Order {id} is not in the orders table.");
        }

        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2));
    }

    /// <summary>Outbox event types written for an order, in write order.</summary>
    public async Task<IReadOnlyList<string>> OutboxTypesAsync(Guid id)
    {
        var types = new List<string>();
        await using var command = dataSource.CreateCommand("SELECT type FROM outbox WHERE aggregate_id = @id ORDER BY id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            types.Add(reader.GetString(0));
        }

        return types;
    }

    /// <summary>The logins of every other session on this database, with whether each is a superuser.</summary>
    public async Task<IReadOnlyList<(string Login, bool Superuser)>> OtherSessionLoginsAsync()
    {
        var logins = new List<(string, bool)>();
        await using var command = dataSource.CreateCommand("""
            SELECT DISTINCT a.usename::text, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
            WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.usename <> current_user ORDER BY 1
            """);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            logins.Add((reader.GetString(0), reader.GetBoolean(1)));
        }

        return logins;
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
