namespace Orders.Api.Auth;

/// <summary>
/// Who may issue the API's access tokens, section <c>Authentication</c>. In production set <see cref="Authority"/> (and
/// usually <see cref="Audience"/>): keys and issuer come from its OpenID Connect discovery document. For the local run
/// and tests, <see cref="DevelopmentSigningKey"/> stands in for an identity provider; the API refuses to start with it in
/// Production, and refuses to start with neither.
/// </summary>
public sealed class OrdersAuthenticationOptions
{
    public const string SectionName = "Authentication";

    /// <summary>The issuer of development tokens (what <c>iss</c> must say when the development key signs them).</summary>
    public const string DevelopmentIssuer = "orders-development";

    /// <summary>
    /// The OpenID Connect authority (issuer URL), e.g. <c>https://login.example.com/realms/shop</c>. Its
    /// <c>/.well-known/openid-configuration</c> names the issuer and the JWKS the signatures are checked against.
    /// </summary>
    public Uri? Authority { get; set; }

    /// <summary>The <c>aud</c> every token must carry. Default <c>orders-api</c>.</summary>
    public string Audience { get; set; } = "orders-api";

    /// <summary>
    /// Fetch the authority's metadata over HTTPS only. Default <c>true</c>; turn off only for an authority on loopback.
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// A base64 HMAC-SHA256 key (at least 32 bytes) that signs development tokens, issuer
    /// <see cref="DevelopmentIssuer"/>. The local run keeps one in <c>.local/</c>; tests make their own. Never in Production.
    /// </summary>
    public string? DevelopmentSigningKey { get; set; }

    /// <summary>
    /// How long a validated token is answered from memory before it is validated again, never past its <c>exp</c>.
    /// Default 1 minute; <see cref="TimeSpan.Zero"/> validates every request. Keep it short: it bounds how long a token
    /// signed with a key the authority has withdrawn stays accepted once the API has read the new key set.
    /// </summary>
    public TimeSpan ValidatedTokenCacheDuration { get; set; } = TimeSpan.FromMinutes(1);
}
