namespace Orders.Contracts;

/// <summary>The order's total was paid.</summary>
public sealed record OrderPaid : IOrderEvent
{
    /// <summary>The version this type writes.</summary>
    public const int CurrentSchemaVersion = 1;

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

    /// <summary>The amount paid; equals the order's total.</summary>
    public required decimal Amount { get; init; }

    /// <summary>ISO 4217 currency code of the amount.</summary>
    public required string Currency { get; init; }

    /// <summary>The payment provider's reference.</summary>
    public required string Reference { get; init; }
}
