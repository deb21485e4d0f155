using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Orders.ServiceDefaults.Telemetry;

namespace Orders.Processor.Scheduling;

/// <summary>
/// The timeout rows one saga transaction schedules and cancels, written in one round trip by the code that commits it,
/// just before the commit, instead of one round trip per schedule: a batch of saga messages then waits on the database
/// once. A timeout scheduled and cancelled in the same transaction is never written. Owned by the transaction's
/// repository context (a payload of it), so a transaction that rolls back takes its writes with it.
/// </summary>
internal sealed class PendingTimeoutWrites
{
    private const string InsertSql = """
        INSERT INTO fulfilment.scheduled_timeout (token_id, correlation_id, message_type, message, due_at, attempts, traceparent)
        SELECT t.token_id, t.correlation_id, t.message_type, t.message::jsonb, t.due_at, 0, t.traceparent
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])
            AS t(token_id, correlation_id, message_type, message, due_at, traceparent)
        """;

    private const string DeleteSql = "DELETE FROM fulfilment.scheduled_timeout WHERE token_id = ANY($1)";

    private readonly Dictionary<Guid, Insert> inserts = [];
    private readonly HashSet<Guid> deletes = [];

    public void Schedule(Guid tokenId, Guid correlationId, string messageType, string message, DateTimeOffset dueAt) =>
        // Scheduled while the saga applies an event, so the current span is that event's: the timeout joins its trace.
        inserts[tokenId] = new Insert(correlationId, messageType, message, dueAt, TraceParent.OfCurrent());

    public void Cancel(Guid tokenId)
    {
        if (!inserts.Remove(tokenId))
        {
            deletes.Add(tokenId);
        }
    }

    /// <summary>Writes what was scheduled and cancelled, if anything, in <paramref name="transaction"/>; then nothing is pending.</summary>
    public async Task WriteAsync(DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch((NpgsqlConnection)transaction.Connection!, (NpgsqlTransaction)transaction);
        if (inserts.Count > 0)
        {
            var rows = inserts.ToList();
            batch.BatchCommands.Add(new NpgsqlBatchCommand(InsertSql)
            {
                Parameters =
                {
                    new() { Value = rows.Select(r => r.Key).ToArray() },
                    new() { Value = rows.Select(r => r.Value.CorrelationId).ToArray() },
                    new() { Value = rows.Select(r => r.Value.MessageType).ToArray() },
                    new() { Value = rows.Select(r => r.Value.Message).ToArray() },
                    new() { Value = rows.Select(r => r.Value.DueAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                    new() { Value = rows.Select(r => r.Value.Traceparent).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                },
            });
        }

        if (deletes.Count > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(DeleteSql) { Parameters = { new() { Value = deletes.ToArray() } } });
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        inserts.Clear();
        deletes.Clear();
    }

    private sealed record Insert(Guid CorrelationId, string MessageType, string Message, DateTimeOffset DueAt, string? Traceparent);
}
