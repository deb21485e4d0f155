using System.Security.Cryptography;
using System.Text.Json;

namespace Orders.Api.Idempotency;

/// <summary>An <c>Idempotency-Key</c> sent with a change request, with the scope and request content it is bound to.</summary>
public sealed class IdempotencyRequest
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 128;
    public const int MaxScopeLength = 128;

    private IdempotencyRequest(string scope, string key, byte[] requestHash)
    {
        Scope = scope;
        Key = key;
        RequestHash = requestHash;
    }

    public string Scope { get; }

    public string Key { get; }

    public byte[] RequestHash { get; }

    /// <summary>Null when the client sent no key; the request is then simply executed.</summary>
    public static IdempotencyRequest? From<TRequest>(string? key, string scope, TRequest request) =>
        key is null
            ? null
            : new(scope, key, SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, JsonSerializerOptions.Web)));

    /// <summary>A key must be 1 to 128 visible ASCII characters; the message says what is wrong, or null.</summary>
    public static string? Validate(string? key) =>
        key is null || (key.Length is > 0 and <= MaxKeyLength && key.All(c => c is > ' ' and <= '~'))
            ? null
            : $"{HeaderName} must be 1 to {MaxKeyLength} visible ASCII characters.";

    public bool Matches(IdempotencyRecord record) => RequestHash.AsSpan().SequenceEqual(record.RequestHash);

    public IdempotencyRecord Complete(int statusCode, string responseBody, DateTimeOffset now) => new()
    {
        Scope = Scope,
        Key = Key,
        RequestHash = RequestHash,
        StatusCode = statusCode,
        ResponseBody = responseBody,
        CreatedAt = now,
    };
}
