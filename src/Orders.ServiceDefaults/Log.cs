using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Orders.ServiceDefaults;

/// <summary>The service defaults' log lines, EventIds 9000-9099.</summary>
internal static partial class Log
{
    // The reachability itself is the health check's result; the client's own reports are detail.
    [LoggerMessage(9000, LogLevel.Debug, "Kafka health-check client: {Facility} {Text}")]
    public static partial void KafkaHealthCheckClientLog(ILogger logger, string facility, string text);

    [LoggerMessage(9001, LogLevel.Debug, "Kafka health-check client error {Code}: {Reason}")]
    public static partial void KafkaHealthCheckClientError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(9010, LogLevel.Warning, "Migrating {Migration} failed (attempt {Attempt}); PostgreSQL may be starting or restarting, retrying in {Delay}")]
    public static partial void MigrationRetrying(ILogger logger, Exception exception, string migration, int attempt, TimeSpan delay);
}
