using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Orders.ServiceDefaults.Health;

/// <summary>Healthy when a metadata request reaches a broker within the timeout.</summary>
internal sealed class KafkaHealthCheck : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);
    private readonly IAdminClient admin;

    public KafkaHealthCheck(ClientConfig connection, ILogger<KafkaHealthCheck> logger)
    {
        // Only how to connect: the producer's or consumer's own settings would make librdkafka warn on every start.
        var settings = connection
            .Where(s => s.Key is "bootstrap.servers" || s.Key.StartsWith("security.", StringComparison.Ordinal)
                || s.Key.StartsWith("sasl.", StringComparison.Ordinal) || s.Key.StartsWith("ssl.", StringComparison.Ordinal));
        admin = new AdminClientBuilder(settings)
            .SetLogHandler((_, message) => Log.KafkaHealthCheckClientLog(logger, message.Facility, message.Message))
            .SetErrorHandler((_, error) => Log.KafkaHealthCheckClientError(logger, error.Code, error.Reason))
            .Build();
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // GetMetadata blocks; off the request thread.
            var metadata = await Task.Run(() => admin.GetMetadata(Timeout), cancellationToken);
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s) reachable.")
                : HealthCheckResult.Unhealthy("The cluster reports no broker.");
        }
        catch (KafkaException exception)
        {
            return HealthCheckResult.Unhealthy("No broker answered: " + exception.Error.Reason);
        }
    }

    public void Dispose() => admin.Dispose();
}
