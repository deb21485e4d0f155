namespace Orders.Processor.Scheduling;

/// <summary>Quartz settings of the fulfilment timeouts, section <c>Scheduling</c>.</summary>
public sealed class SchedulingOptions
{
    public const string SectionName = "Scheduling";

    /// <summary>How long an idle scheduler waits before looking for due triggers again (Quartz default 30 s, minimum 1 s). A node that schedules a trigger itself wakes at once; this bounds how late a
    /// timeout scheduled by another node fires.</summary>
    public TimeSpan IdleWaitTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often each node checks in with the cluster; a node silent for longer is presumed dead and its
    /// in-flight timeouts are recovered by another.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>Timeouts delivered at the same time by one node.</summary>
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>Delay before the first retry of a timeout whose delivery failed; doubles per attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound of the retry delay.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);
}
