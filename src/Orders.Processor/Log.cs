namespace Orders.Processor;

/// <summary>The processor's log lines. EventIds 2000-2999: fulfilment 2000-2049, scheduling 2050-2099.</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Warning,
        "Order {OrderId} parked: expected sequence {ExpectedSequence}, received {ReceivedSequence} ({EventType}); its events are held until an operator resolves the gap")]
    public static partial void OrderParked(
        ILogger logger, Guid orderId, int expectedSequence, int receivedSequence, string eventType);

    [LoggerMessage(2001, LogLevel.Debug,
        "Order {OrderId}: {EventType} with sequence {Sequence} already applied (last {LastSequence}); nothing changed")]
    public static partial void DuplicateIgnored(ILogger logger, Guid orderId, string eventType, int sequence, int lastSequence);

    [LoggerMessage(2002, LogLevel.Warning, "Order {OrderId} was paid while {State}: refund of {Amount} {Currency} required")]
    public static partial void RefundRequired(ILogger logger, Guid orderId, string state, decimal amount, string currency);

    [LoggerMessage(2003, LogLevel.Information, "Order {OrderId}: payment timed out, cancellation requested from the Orders API")]
    public static partial void CancellationRequested(ILogger logger, Guid orderId);

    [LoggerMessage(2004, LogLevel.Information,
        "Order {OrderId}: payment timed out but the Orders API reports it {CurrentStatus}; waiting for its event")]
    public static partial void CancellationNotNeeded(ILogger logger, Guid orderId, string currentStatus);

    [LoggerMessage(2005, LogLevel.Warning, "Order {OrderId} is overdue for shipment")]
    public static partial void ShipmentOverdue(ILogger logger, Guid orderId);

    [LoggerMessage(2050, LogLevel.Warning,
        "Timeout {MessageType} (token {TokenId}) of order {OrderId} could not be delivered (attempt {Attempt}); it is delivered again at {RetryAt}")]
    public static partial void TimeoutDeliveryFailed(
        ILogger logger, Exception exception, string messageType, Guid tokenId, Guid orderId, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(2051, LogLevel.Error,
        "Timeout {MessageType} (token {TokenId}) of order {OrderId} failed {Attempts} deliveries and was given up (fulfilment.dead_timeout); retry it with fulfilment.retry_dead_timeout once the cause is fixed")]
    public static partial void TimeoutDead(ILogger logger, Exception exception, string messageType, Guid tokenId, Guid orderId, int attempts);

    [LoggerMessage(2052, LogLevel.Warning,
        "{Count} timeouts delivered in one saga transaction rolled back; {Next}")]
    public static partial void TimeoutBatchRolledBack(ILogger logger, Exception exception, int count, string next);

    [LoggerMessage(2900, LogLevel.Warning, "Sampling the fulfilment backlog failed; its gauges report nothing until the next sample")]
    public static partial void BacklogSampleFailed(ILogger logger, Exception exception);
}
