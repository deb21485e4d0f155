using Npgsql;

namespace Orders.Processor.Scheduling;

/// <summary>
/// The clock's side of <c>fulfilment.scheduled_timeout</c>. Every method is one short statement in its own transaction,
/// so no row lock is held while a timeout is delivered: a delivery runs the saga in another transaction that may delete
/// the same row, and waiting on it from here would deadlock.
/// </summary>
internal sealed class ScheduledTimeoutQueue(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    // SKIP LOCKED passes over rows a saga transaction is cancelling and rows another node is claiming; moving due_at to the
    // end of the lease is the claim, so a node that dies mid-delivery leaves its timeouts to be claimed again after it.
    // "Now" is the processor's TimeProvider, the clock the saga computed the due times with, not the database's.
    private const string ClaimSql = """
        WITH due AS (
            SELECT token_id, due_at FROM fulfilment.scheduled_timeout
            WHERE due_at <= $3
            ORDER BY due_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED)
        UPDATE fulfilment.scheduled_timeout t
        SET due_at = $3 + $2, attempts = t.attempts + 1
        FROM due
        WHERE t.token_id = due.token_id
        RETURNING t.token_id, t.correlation_id, t.message_type, t.message::text, t.attempts, due.due_at, t.traceparent
        """;

    private const string DeleteSql = "DELETE FROM fulfilment.scheduled_timeout WHERE token_id = ANY($1)";

    private const string RenewSql = "UPDATE fulfilment.scheduled_timeout SET due_at = $3 + $2 WHERE token_id = ANY($1)";

    private const string FailedSql = "UPDATE fulfilment.scheduled_timeout SET last_error = $2 WHERE token_id = $1";

    private const string BurySql = """
        WITH dead AS (DELETE FROM fulfilment.scheduled_timeout WHERE token_id = $1 RETURNING *)
        INSERT INTO fulfilment.dead_timeout (token_id, correlation_id, message_type, message, due_at, attempts, last_error, created_at)
        SELECT token_id, correlation_id, message_type, message, due_at, attempts, $2, created_at FROM dead
        """;

    public async Task<IReadOnlyList<ClaimedTimeout>> ClaimAsync(
        int batchSize, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ClaimSql);
        command.Parameters.Add(new() { Value = batchSize });
        command.Parameters.Add(new() { Value = lease });
        command.Parameters.Add(new() { Value = now });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<ClaimedTimeout>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedTimeout(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return claimed;
    }

    public async Task DeleteAsync(IReadOnlyCollection<Guid> tokenIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(DeleteSql);
        command.Parameters.Add(new() { Value = tokenIds.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves the end of the lease of timeouts still being delivered.</summary>
    public async Task RenewAsync(Guid[] tokenIds, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RenewSql);
        command.Parameters.Add(new() { Value = tokenIds });
        command.Parameters.Add(new() { Value = lease });
        command.Parameters.Add(new() { Value = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordFailureAsync(Guid tokenId, string error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FailedSql);
        command.Parameters.Add(new() { Value = tokenId });
        command.Parameters.Add(new() { Value = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves a timeout that failed for good to <c>fulfilment.dead_timeout</c>, with the reason.</summary>
    public async Task BuryAsync(Guid tokenId, string error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(BurySql);
        command.Parameters.Add(new() { Value = tokenId });
        command.Parameters.Add(new() { Value = error });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
