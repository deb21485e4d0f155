namespace Orders.Api.Idempotency;

/// <summary>
/// A change request that succeeded under an <c>Idempotency-Key</c>: written in the change's own transaction, so it
/// exists exactly when the change does. The primary key (scope, key) makes a concurrent duplicate fail its insert.
/// </summary>
public sealed class IdempotencyRecord
{
    /// <summary>What the key applies to: method and route with the order id, e.g. <c>POST /orders/{id}/payment</c>.</summary>
    public required string Scope { get; init; }

    public required string Key { get; init; }

    /// <summary>SHA-256 of the request as bound, so a retry with the same content matches whatever its formatting.</summary>
    public required byte[] RequestHash { get; init; }

    public required int StatusCode { get; init; }

    /// <summary>The response body (JSON) returned again to a retry.</summary>
    public required string ResponseBody { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
