using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Orders.ServiceDefaults.Health;

/// <summary>Healthy when a metadata request reaches a broker within the timeout.</summary>
internal sealed partial class KafkaHealthCheck : IHealthCheck, IDisposable
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
            .SetLogHandler((_, message) => ClientLog(logger, message.Facility, message.Message))
            .SetErrorHandler((_, error) => ClientError(logger, error.Code, error.Reason))
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

    // The reachability itself is the check's result; the client's own reports are detail.
    [LoggerMessage(EventId = 9001, Level = LogLevel.Debug, Message = "Kafka health-check client: {Facility} {Text}")]
    private static partial void ClientLog(ILogger logger, string facility, string text);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Debug, Message = "Kafka health-check client error {Code}: {Reason}")]
    private static partial void ClientError(ILogger logger, ErrorCode code, string reason);
}
