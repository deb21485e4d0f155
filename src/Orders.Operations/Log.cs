namespace Orders.Operations;

/// <summary>The operations page's log messages, EventIds 5000-5999: every repair an operator makes is logged.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Warning, "Re-drove parked order {OrderId}: resumed in {ResumedState}, re-sent sequences {FirstSequence} to {LastSequence}")]
    public static partial void OrderRedriven(ILogger logger, Guid orderId, string resumedState, int firstSequence, int lastSequence);

    [LoggerMessage(5001, LogLevel.Warning, "Replayed dead letter {Partition}@{Offset} to {Topic}")]
    public static partial void DeadLetterReplayed(ILogger logger, int partition, long offset, string topic);

    [LoggerMessage(5002, LogLevel.Warning, "Timeout {TokenId} of order {OrderId} set due now by an operator")]
    public static partial void TimeoutRetried(ILogger logger, Guid tokenId, Guid orderId);

    [LoggerMessage(5003, LogLevel.Information, "Repair of order {OrderId} refused: {Reason}")]
    public static partial void RepairRefused(ILogger logger, Guid orderId, string reason);
}
