using System.Collections.Concurrent;

namespace Orders.FaultInjection;

/// <summary>What the clients did: requests acknowledged, and retries by their cause.</summary>
internal sealed class LoadFigures
{
    private readonly ConcurrentDictionary<string, int> retries = new();
    private readonly ConcurrentDictionary<string, string> lastErrors = new();
    private int acknowledged;
    private int acknowledgedAfterRetry;

    public int AcknowledgedRequests => acknowledged;

    public int AcknowledgedAfterRetry => acknowledgedAfterRetry;

    public IReadOnlyDictionary<string, int> Retries => new SortedDictionary<string, int>(retries);

    public void RecordAcknowledged(bool afterRetry)
    {
        Interlocked.Increment(ref acknowledged);
        if (afterRetry)
        {
            Interlocked.Increment(ref acknowledgedAfterRetry);
        }
    }

    /// <summary>The last error seen for each retry cause, so a run that retried a lot says why.</summary>
    public IReadOnlyDictionary<string, string> LastErrors => new SortedDictionary<string, string>(lastErrors);

    public void RecordRetry(string cause, string error)
    {
        retries.AddOrUpdate(cause, 1, (_, n) => n + 1);
        lastErrors[cause] = error;
    }
}
