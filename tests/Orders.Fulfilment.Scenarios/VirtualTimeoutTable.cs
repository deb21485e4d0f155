namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// The in-memory back-end's <c>fulfilment.scheduled_timeout</c>: the changes one saga message makes are kept aside
/// and applied only when the message succeeds, as the real table's rows commit with the saga row.
/// </summary>
internal sealed class VirtualTimeoutTable
{
    private readonly Dictionary<Guid, VirtualTimeout> rows = [];
    private readonly Dictionary<Guid, VirtualTimeout?> pending = [];

    public IEnumerable<VirtualTimeout> Rows => rows.Values;

    public void Schedule(VirtualTimeout timeout) => pending[timeout.TokenId] = timeout;

    public void Cancel(Guid tokenId) => pending[tokenId] = null;

    public void Commit()
    {
        foreach (var (tokenId, timeout) in pending)
        {
            if (timeout is null)
            {
                rows.Remove(tokenId);
            }
            else
            {
                rows[tokenId] = timeout;
            }
        }

        pending.Clear();
    }

    public void Rollback() => pending.Clear();

    /// <summary>Claims a due row as the clock does: its due time moves to the end of the lease.</summary>
    public void Lease(Guid tokenId, DateTimeOffset until) => rows[tokenId] = rows[tokenId] with { DueAt = until };

    public void Delete(Guid tokenId) => rows.Remove(tokenId);
}

internal sealed record VirtualTimeout(Guid TokenId, Guid CorrelationId, Type MessageType, object Message, DateTimeOffset DueAt);
