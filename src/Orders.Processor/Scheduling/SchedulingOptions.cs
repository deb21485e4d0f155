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

    /// <summary>How late a trigger may be before Quartz treats it as misfired; misfired timeouts fire at once (fire-now).</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeouts delivered at the same time by one node.</summary>
    public int MaxConcurrency { get; set; } = 10;

    /// <summary>
    /// How long after a failed delivery (Orders API down, node stopping) a timeout fires again; it keeps firing at this
    /// interval until a delivery succeeds. The API client retries within each delivery on top of this.
    /// </summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);
}
