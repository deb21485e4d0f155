using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orders.Processor.Kafka;

namespace Orders.Processor.Health;

/// <summary>
/// Ready when the consume loop reports recently and none of its partition workers has faulted. A partition retrying a
/// record (the database away, say) or owning no partition is only degraded (still ready, and visible): the topic may
/// not exist before the first event, a rebalance may be under way, or this instance is one more than the topic has
/// partitions.
/// </summary>
internal sealed class ConsumerHealthCheck(
    ConsumerHealth health, PartitionWorkerHealth workers, IOptions<KafkaOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    private HealthCheckResult Check()
    {
        var snapshot = health.Current;
        // A rebalance blocks the loop until in-flight records are done, so allow a session's worth on top.
        var silentFor = snapshot.ReportedAt is { } reportedAt ? time.GetUtcNow() - reportedAt : TimeSpan.MaxValue;
        var allowed = options.Value.CommitInterval + options.Value.SessionTimeout + TimeSpan.FromSeconds(10);
        if (silentFor > allowed)
        {
            return HealthCheckResult.Unhealthy(snapshot.ReportedAt is null
                ? "The consume loop has not reported yet."
                : $"The consume loop has not reported for {silentFor.TotalSeconds:F0} s.");
        }

        if (snapshot.FaultedPartitions.Count > 0)
        {
            return HealthCheckResult.Unhealthy($"Partition worker(s) faulted: {string.Join(',', snapshot.FaultedPartitions)}.");
        }

        var troubled = workers.Partitions.Where(p => p.Value.State != PartitionWorkerState.Running).ToList();
        if (troubled.Count > 0)
        {
            var detail = string.Join("; ", troubled.Select(p =>
                $"partition {p.Key} {p.Value.State} at offset {p.Value.Offset} ({p.Value.Attempts} attempts): {p.Value.LastError}"));
            return troubled.Any(p => p.Value.State == PartitionWorkerState.Faulted)
                ? HealthCheckResult.Unhealthy(detail)
                : HealthCheckResult.Degraded(detail);
        }

        return snapshot.AssignedPartitions == 0
            ? HealthCheckResult.Degraded("No partition of the outbox topic is assigned.")
            : HealthCheckResult.Healthy($"{snapshot.AssignedPartitions} partition(s) assigned.");
    }
}
