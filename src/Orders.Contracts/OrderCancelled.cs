namespace Orders.Contracts;

/// <summary>The order was cancelled before shipment.</summary>
public sealed record OrderCancelled : IOrderEvent
{
    /// <summary>The version this type writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The reason the processor gives when the payment deadline passed.</summary>
    public const string PaymentTimeoutReason = "payment-timeout";

    /// <inheritdoc />
    public required Guid OrderId { get; init; }

    /// <inheritdoc />
    public required long UserId { get; init; }

    /// <inheritdoc />
    public required DateTimeOffset OccurredAt { get; init; }

    /// <inheritdoc />
    public required int SchemaVersion { get; init; }

    /// <inheritdoc />
    public required int Sequence { get; init; }

    /// <summary>Why the order was cancelled, as given by the caller.</summary>
    public required string Reason { get; init; }
}
