namespace Orders.Contracts;

/// <summary>An order was submitted; it now awaits payment. Always sequence 1.</summary>
public sealed record OrderSubmitted : IOrderEvent
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

    /// <summary>ISO 4217 currency code of every amount in the order.</summary>
    public required string Currency { get; init; }

    /// <summary>The order's lines, 1 to 100.</summary>
    public required IReadOnlyList<OrderLine> Lines { get; init; }

    /// <summary>Sum of quantity × unit price over the lines.</summary>
    public required decimal Total { get; init; }
}
