using System.ComponentModel.DataAnnotations;

namespace Orders.Api.Http;

/// <summary>
/// Bounds on the work the order endpoints take on at once, section <c>RequestLimits</c>. Requests beyond
/// <see cref="MaxConcurrentRequests"/> wait in a queue of <see cref="QueueLimit"/>; beyond that they are refused at once
/// with 503 and <c>Retry-After</c>, so an overload costs neither memory nor database connections. Health checks and the
/// API reference are not limited.
/// </summary>
public sealed class RequestLimitOptions
{
    public const string SectionName = "RequestLimits";

    /// <summary>
    /// Order requests processed at once; each holds at most one pooled database connection. Keep it below the Npgsql
    /// pool's <c>Maximum Pool Size</c> (100 by default) so the pool never runs dry. Default 32: on two cores throughput
    /// stops growing well before that.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentRequests { get; set; } = 32;

    /// <summary>
    /// Order requests that wait, oldest first, for one of <see cref="MaxConcurrentRequests"/>. Default 64, about a tenth of a second of
    /// work at the API's rate on two cores; 0 refuses every request that finds no free slot.
    /// </summary>
    [Range(0, 100_000)]
    public int QueueLimit { get; set; } = 64;

    /// <summary>The <c>Retry-After</c> of a refused request, rounded up to whole seconds. Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
