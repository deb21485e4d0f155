namespace Orders.Relay.Health;

/// <summary>
/// When the relay loop last finished a round (read the outbox and, if it found rows, had Kafka acknowledge them and
/// saved the position), and how many rounds failed since; the loop reports, the readiness check reads.
/// </summary>
public sealed class RelayProgress(TimeProvider time)
{
    private Snapshot current = new(null, 0);

    public Snapshot Current => Volatile.Read(ref current);

    public void RoundCompleted() => Volatile.Write(ref current, new Snapshot(time.GetUtcNow(), 0));

    public void RoundFailed()
    {
        var last = Current;
        Volatile.Write(ref current, last with { FailuresSince = last.FailuresSince + 1 });
    }

    /// <param name="LastRound">The end of the last successful round; null before the first.</param>
    /// <param name="FailuresSince">Failed rounds since then.</param>
    public sealed record Snapshot(DateTimeOffset? LastRound, int FailuresSince);
}
