using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orders.Processor.Kafka;

namespace Orders.Processor.Health;

/// <summary>
/// Ready when the consume loop reports recently and none of its partition workers has faulted. Owning no partition is
/// only degraded (still ready): the topic may not exist before the first event, a rebalance may be under way, or this
/// instance is one more than the topic has partitions.
/// </summary>
internal sealed class ConsumerHealthCheck(ConsumerHealth health, IOptions<KafkaOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = health.Current;
        // A rebalance blocks the loop until in-flight records are done, so allow a session's worth on top.
        var silentFor = snapshot.ReportedAt is { } reportedAt ? time.GetUtcNow() - reportedAt : TimeSpan.MaxValue;
        var allowed = options.Value.CommitInterval + options.Value.SessionTimeout + TimeSpan.FromSeconds(10);
        return Task.FromResult(
            silentFor > allowed
                ? HealthCheckResult.Unhealthy(snapshot.ReportedAt is null
                    ? "The consume loop has not reported yet."
                    : $"The consume loop has not reported for {silentFor.TotalSeconds:F0} s.")
                : snapshot.FaultedPartitions.Count > 0
                    ? HealthCheckResult.Unhealthy($"Partition worker(s) faulted: {string.Join(',', snapshot.FaultedPartitions)}.")
                    : snapshot.AssignedPartitions == 0
                        ? HealthCheckResult.Degraded("No partition of the outbox topic is assigned.")
                        : HealthCheckResult.Healthy($"{snapshot.AssignedPartitions} partition(s) assigned."));
    }
}
