namespace Orders.Relay.Outbox;

/// <summary>The SQL the relay reads the outbox with: the shipped connector's, so both publish the same rows.</summary>
internal static class OutboxQuery
{
    /// <summary>
    /// The <c>query</c> of <c>ops/connect/outbox-source.json</c>, character for character (a test compares them). Only
    /// rows of transactions older than the oldest running one are read: every such transaction has finished, and any
    /// row that becomes visible later has a larger transaction_id, so reading in transaction_id order skips nothing.
    /// </summary>
    public const string Connector =
        "SELECT * FROM (SELECT id, user_id, aggregate_id, type, payload, created_at, transaction_id, traceparent FROM public.outbox " +
        "WHERE transaction_id < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint) AS outbox";

    /// <summary>
    /// What the connector appends in query mode with <c>incrementing.column.name=transaction_id</c>, plus a LIMIT for
    /// the batch (the connector caps a poll with batch.max.rows instead).
    /// </summary>
    public const string Relay =
        Connector + " WHERE \"transaction_id\" > @last ORDER BY \"transaction_id\" ASC LIMIT @limit";

    /// <summary>The incrementing column; the relay's position is its last published value.</summary>
    public const string PositionColumn = "transaction_id";

    /// <summary>The key column: ValueToKey(user_id) then ExtractField$Key(user_id).</summary>
    public const string KeyColumn = "user_id";

    /// <summary>
    /// The writer's W3C trace context. The connector's HeaderFrom$Value transform moves it out of the value into the
    /// record header of the same name (SimpleHeaderConverter: the text as UTF-8, a null value for SQL NULL), so it is
    /// not an envelope field.
    /// </summary>
    public const string TraceparentColumn = "traceparent";

    /// <summary>When the row was written; used for the lag metric only.</summary>
    public const string CreatedAtColumn = "created_at";
}
