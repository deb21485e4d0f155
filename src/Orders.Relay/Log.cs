using Confluent.Kafka;

namespace Orders.Relay;

/// <summary>The relay's log messages, EventIds 3000-3999.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Relay {RelayName} took the lease (epoch {Epoch}) and starts after transaction {Position}, publishing to {Topic}")]
    public static partial void LeaseAcquired(ILogger logger, string relayName, long epoch, long position, string topic);

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

    [LoggerMessage(3007, LogLevel.Information, "Relay {RelayName} stands by as {HolderId}: another relay holds the lease")]
    public static partial void RelayStandingBy(ILogger logger, string relayName, string holderId);

    [LoggerMessage(3008, LogLevel.Warning, "Relay {RelayName} lost the lease to another relay and stopped publishing")]
    public static partial void LeaseLost(ILogger logger, string relayName);

    [LoggerMessage(3009, LogLevel.Information, "Relay {RelayName} released the lease")]
    public static partial void LeaseReleased(ILogger logger, string relayName);

    [LoggerMessage(3010, LogLevel.Warning, "Could not release the lease; a standby takes over when it expires")]
    public static partial void LeaseReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(3011, LogLevel.Warning, "Lease renewal failed while Kafka acknowledges a batch; retrying")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception);

    [LoggerMessage(3012, LogLevel.Critical, "Relay {RelayName} can no longer prove it holds the lease while records are pending in the producer; exiting so none is published after a standby starts")]
    public static partial void LeaseLostWithRecordsPending(ILogger logger, string relayName);

    [LoggerMessage(3013, LogLevel.Information, "Listening for outbox commits on channel {Channel}")]
    public static partial void CommitListenerStarted(ILogger logger, string channel);

    [LoggerMessage(3014, LogLevel.Warning, "Listening for outbox commits failed; polling until it reconnects in {RetryDelay}")]
    public static partial void CommitListenerFailed(ILogger logger, Exception exception, TimeSpan retryDelay);

    [LoggerMessage(3100, LogLevel.Warning, "Sampling the outbox backlog failed; its gauges report nothing until the next sample")]
    public static partial void BacklogSampleFailed(ILogger logger, Exception exception);
}
