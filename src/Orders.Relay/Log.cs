using Confluent.Kafka;

namespace Orders.Relay;

/// <summary>The relay's log messages, EventIds 3000-3999.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Relay {RelayName} starts after transaction {Position}, publishing to {Topic}")]
    public static partial void RelayStarted(ILogger logger, string relayName, long position, string topic);

    [LoggerMessage(3001, LogLevel.Debug, "Published {Rows} outbox rows up to transaction {Position}")]
    public static partial void BatchPublished(ILogger logger, int rows, long position);

    [LoggerMessage(3002, LogLevel.Warning, "Relay attempt {Failures} failed; retrying from the saved position in {RetryDelay}")]
    public static partial void RelayFailed(ILogger logger, Exception exception, int failures, TimeSpan retryDelay);

    [LoggerMessage(3003, LogLevel.Information, "Relay recovered after {Failures} failed attempts")]
    public static partial void RelayRecovered(ILogger logger, int failures);

    [LoggerMessage(3004, LogLevel.Information, "Outbox record schema built with {Fields} fields: {Columns}")]
    public static partial void EnvelopeSchemaBuilt(ILogger logger, int fields, string columns);

    [LoggerMessage(3005, LogLevel.Warning, "Kafka client error {Code}: {Reason}")]
    public static partial void KafkaError(ILogger logger, ErrorCode code, string reason);

    [LoggerMessage(3006, LogLevel.Debug, "librdkafka {Facility}: {Message}")]
    public static partial void KafkaClientLog(ILogger logger, string facility, string message);

    [LoggerMessage(3100, LogLevel.Warning, "Sampling the outbox backlog failed; its gauges report nothing until the next sample")]
    public static partial void BacklogSampleFailed(ILogger logger, Exception exception);
}
