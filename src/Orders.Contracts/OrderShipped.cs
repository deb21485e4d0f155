namespace Orders.Contracts;

/// <summary>The order left the warehouse.</summary>
public sealed record OrderShipped : IOrderEvent
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

    /// <summary>The carrier that transports the parcel.</summary>
    public required string Carrier { get; init; }

    /// <summary>The carrier's tracking number.</summary>
    public required string TrackingNumber { get; init; }
}
