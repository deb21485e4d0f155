using Orders.Api.Orders;

namespace Orders.Api;

/// <summary>The API's log messages; event ids 1000-1999. Per-order successes are Debug: they run at request rate.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Order {OrderId} submitted (sequence {Sequence})")]
    public static partial void OrderSubmitted(this ILogger logger, Guid orderId, int sequence);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Order {OrderId} is now {Status} (sequence {Sequence})")]
    public static partial void OrderChanged(this ILogger logger, Guid orderId, OrderStatus status, int sequence);

    [LoggerMessage(
        EventId = 1002,
        Level = LogLevel.Information,
        Message = "Order {OrderId} is {Status} at sequence {Sequence}; {Change} refused ({Reason})")]
    public static partial void ChangeRefused(
        this ILogger logger, Guid orderId, OrderStatus status, int sequence, string change, string reason);

    [LoggerMessage(
        EventId = 1003,
        Level = LogLevel.Information,
        Message = "Order {OrderId} was changed concurrently and is now {Status}; {Change} refused")]
    public static partial void ChangedConcurrently(this ILogger logger, Guid orderId, OrderStatus status, string change);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Replayed the stored {StatusCode} response of {Scope}")]
    public static partial void IdempotentReplay(this ILogger logger, string scope, int statusCode);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Idempotency key of {Scope} reused with a different request")]
    public static partial void IdempotencyKeyReused(this ILogger logger, string scope);
}
