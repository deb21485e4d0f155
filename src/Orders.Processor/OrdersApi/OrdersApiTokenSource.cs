using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orders.Processor.OrdersApi;

/// <summary>
/// The processor's access token for the Orders API, fetched once and reused until shortly before it expires. A failure
/// to get one throws, so the request that needed it fails and is retried like any other (a timeout stays due).
/// </summary>
internal sealed class OrdersApiTokenSource(
    IHttpClientFactory httpClients, IOptions<OrdersApiTokenOptions> options, TimeProvider time) : IDisposable
{
    /// <summary>The named client that talks to the token endpoint (not through the token handler).</summary>
    public const string TokenClientName = "orders-api-token";

    private static readonly TimeSpan DevelopmentLifetime = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim gate = new(1, 1);
    private CachedToken? current;

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (current is { } cached && time.GetUtcNow() < cached.RefreshAt)
        {
            return cached.Value;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (current is { } fresh && time.GetUtcNow() < fresh.RefreshAt)
            {
                return fresh.Value;
            }

            var settings = options.Value;
            var (value, lifetime) = string.IsNullOrEmpty(settings.DevelopmentSigningKey)
                ? await RequestAsync(settings, cancellationToken)
                : (MintDevelopmentToken(settings), DevelopmentLifetime);
            // A token shorter-lived than twice the margin is replaced at half its life instead, so it is used at all.
            var margin = TimeSpan.FromTicks(Math.Min(settings.RefreshBeforeExpiry.Ticks, lifetime.Ticks / 2));
            current = new CachedToken(value, time.GetUtcNow() + lifetime - margin);
            return value;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="token"/> (the API refused it), so the next request fetches a new one.</summary>
    public void Invalidate(string token)
    {
        if (current?.Value == token)
        {
            current = null;
        }
    }

    public void Dispose() => gate.Dispose();

    private async Task<(string Value, TimeSpan Lifetime)> RequestAsync(OrdersApiTokenOptions settings, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = settings.Scope,
                ["audience"] = settings.Audience,
            }),
        };
        // client_secret_basic (RFC 6749 2.3.1): both parts form-encoded before they are joined.
        var credentials = $"{Uri.EscapeDataString(settings.ClientId)}:{Uri.EscapeDataString(settings.ClientSecret ?? "")}";
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));

        using var http = httpClients.CreateClient(TokenClientName);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"The token endpoint answered {(int)response.StatusCode} to client {settings.ClientId}.", null, response.StatusCode);
        }

        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var root = body.RootElement;
        if (!root.TryGetProperty("access_token", out var token) || token.GetString() is not { Length: > 0 } value)
        {
            throw new HttpRequestException("The token endpoint's answer has no access_token.");
        }

        var lifetime = root.TryGetProperty("expires_in", out var expiresIn) && expiresIn.TryGetInt32(out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(5);
        return (value, lifetime);
    }

    private string MintDevelopmentToken(OrdersApiTokenOptions settings)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "orders-development",
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + DevelopmentLifetime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = settings.ClientId,
                ["client_id"] = settings.ClientId,
                ["scope"] = settings.Scope,
            },
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(settings.DevelopmentSigningKey!)), SecurityAlgorithms.HmacSha256),
        });
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);
}
