using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orders.Relay.Publishing;

namespace Orders.Relay.Health;

/// <summary>
/// Ready while the relay loop keeps finishing rounds: an idle relay still reads every poll interval, so a long silence
/// means it is stuck or failing (PostgreSQL or Kafka away, a batch that Kafka does not acknowledge).
/// </summary>
internal sealed class RelayHealthCheck(RelayProgress progress, IOptions<RelayOptions> options, TimeProvider time) : IHealthCheck
{
    // Long enough for a few retries at the longest back-off and one large batch's acknowledgement.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = progress.Current;
        var allowed = options.Value.PollInterval + options.Value.MaxRetryDelay + Slack;
        if (snapshot.LastRound is not { } lastRound)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                $"No round has finished yet ({snapshot.FailuresSince} failed)."));
        }

        var since = time.GetUtcNow() - lastRound;
        return Task.FromResult(since <= allowed
            ? HealthCheckResult.Healthy($"Last round {since.TotalSeconds:F1} s ago.")
            : HealthCheckResult.Unhealthy(
                $"No round finished for {since.TotalSeconds:F0} s; {snapshot.FailuresSince} failed since."));
    }
}
