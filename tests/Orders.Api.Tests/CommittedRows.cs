using System.Text.Json;
using Npgsql;

namespace Orders.Api.Tests;

/// <summary>Reads the API's tables with plain SQL, so tests check what was committed, not what EF believes.</summary>
public sealed class CommittedRows(string connectionString)
{
    public async Task<OrderRow?> OrderAsync(Guid id)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT status, sequence, total, updated_at FROM orders WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new OrderRow(reader.GetString(0), reader.GetInt32(1), reader.GetDecimal(2), reader.GetFieldValue<DateTimeOffset>(3))
            : null;
    }

    /// <summary>The order's outbox rows in the order readers publish them (transaction id).</summary>
    public async Task<IReadOnlyList<OutboxRow>> OutboxAsync(Guid orderId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT user_id, type, payload::text, created_at, transaction_id FROM outbox WHERE aggregate_id = @id ORDER BY transaction_id",
            connection);
        command.Parameters.AddWithValue("id", orderId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<OutboxRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new OutboxRow(
                reader.GetInt64(0),
                reader.GetString(1),
                JsonDocument.Parse(reader.GetString(2)).RootElement,
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetInt64(4)));
        }

        return rows;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string?> ScalarTextAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
