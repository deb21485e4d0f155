namespace Orders.Contracts;

/// <summary>The order reached the customer; its life is over.</summary>
public sealed record OrderDelivered : IOrderEvent
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
}
