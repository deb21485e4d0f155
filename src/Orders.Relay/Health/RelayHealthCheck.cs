using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orders.Relay.Lease;
using Orders.Relay.Publishing;

namespace Orders.Relay.Health;

/// <summary>
/// Ready while the relay loop keeps finishing rounds: an idle relay still reads every idle poll interval and a standby
/// still tries the lease, so a long silence means it is stuck or failing (PostgreSQL or Kafka away, a batch that Kafka
/// does not acknowledge). The description says whether this relay publishes or stands by.
/// </summary>
internal sealed class RelayHealthCheck(RelayProgress progress, RelayLease lease, IOptions<RelayOptions> options, TimeProvider time)
    : IHealthCheck
{
    // Long enough for a few retries at the longest back-off and one large batch's acknowledgement.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = progress.Current;
        var allowed = options.Value.IdlePollInterval + options.Value.MaxRetryDelay + Slack;
        if (snapshot.LastRound is not { } lastRound)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"No round has finished yet ({snapshot.FailuresSince} failed)."));
        }

        var since = time.GetUtcNow() - lastRound;
        return Task.FromResult(since <= allowed
            ? HealthCheckResult.Healthy(lease.IsHeld
                ? $"Publishing under lease epoch {lease.Epoch}; last round {since.TotalSeconds:F1} s ago."
                : $"Standing by for the lease; last round {since.TotalSeconds:F1} s ago.")
            : HealthCheckResult.Unhealthy(
                $"No round finished for {since.TotalSeconds:F0} s; {snapshot.FailuresSince} failed since."));
    }
}
