using Npgsql;

namespace Orders.Benchmark.Measure;

/// <summary>
/// The relay's publication lag: outbox rows whose <c>transaction_id</c> is past the relay's saved position (table
/// <c>outbox_relay_position</c>, one row per relay name; it saves the last transaction id Kafka acknowledged).
/// </summary>
internal sealed class RelayLag(NpgsqlDataSource dataSource)
{
    /// <summary>Outbox rows not yet published (the index on transaction_id keeps this a range count).</summary>
    public async Task<long> PendingRowsAsync(CancellationToken cancellationToken)
    {
        var position = await PositionAsync(cancellationToken);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM outbox WHERE transaction_id > $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The relay's saved position, or -1 before it saved one.</summary>
    public async Task<long> PositionAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(position), -1) FROM outbox_relay_position");
        try
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return -1;
        }
    }

    /// <summary>The newest outbox row's transaction id: where the relay's position ends once it has published everything.</summary>
    public async Task<long> NewestTransactionAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT coalesce(max(transaction_id), -1) FROM outbox");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
