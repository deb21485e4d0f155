using Npgsql;

namespace Orders.Operations.Data;

/// <summary>Small read helpers over the shared database, which this deployable reads and repairs but does not own.</summary>
internal static class OperationsDatabase
{
    public static async Task<List<T>> ListAsync<T>(
        NpgsqlDataSource dataSource, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>The relay's position (last published transaction_id), or null when no relay has run on this database.</summary>
    public static async Task<long?> RelayPositionAsync(NpgsqlDataSource dataSource, string relayName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT CASE WHEN to_regclass('outbox_relay_position') IS NULL THEN NULL ELSE -2 END");
        if (await command.ExecuteScalarAsync(cancellationToken) is DBNull)
        {
            return null;
        }

        var rows = await ListAsync(
            dataSource, "SELECT position FROM outbox_relay_position WHERE name = @name", r => r.GetInt64(0), cancellationToken, ("name", relayName));
        return rows.Count == 0 ? null : rows[0];
    }

}
