using System.ComponentModel.DataAnnotations;

namespace Orders.Api.Http;

/// <summary>
/// Bounds on the work the order endpoints take on, section <c>RequestLimits</c>: for the whole process and for each
/// client (the token's <c>client_id</c>, else <c>azp</c>, else <c>sub</c>). A request first needs a slot of its client
/// (<see cref="MaxConcurrentRequestsPerClient"/>, waiting in a queue of <see cref="QueueLimitPerClient"/>; a rate of
/// <see cref="RequestsPerSecondPerClient"/>), then one of the process (<see cref="MaxConcurrentRequests"/>, queue
/// <see cref="QueueLimit"/>). A client over its own bounds gets 429, a request beyond the process's 503, both at once,
/// with <c>Retry-After</c>, so an overload costs neither memory nor database connections and one busy client cannot
/// take every slot. Bodies are read before a slot is taken, so a client that sends slowly holds none. Health checks
/// and the API reference are not limited.
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

    /// <summary>Order requests of one client processed at once. Default 16, half the process's slots.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentRequestsPerClient { get; set; } = 16;

    /// <summary>Order requests of one client that wait for one of its slots. Default 32.</summary>
    [Range(0, 100_000)]
    public int QueueLimitPerClient { get; set; } = 32;

    /// <summary>
    /// Order requests one client may start per second (a token bucket that also allows a burst of that size). Default
    /// 1000, above what the API serves on two cores, so it binds only where many cores serve one greedy client.
    /// </summary>
    [Range(1, 1_000_000)]
    public int RequestsPerSecondPerClient { get; set; } = 1000;

    /// <summary>The <c>Retry-After</c> of a refused request, rounded up to whole seconds. Default 1 s.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
