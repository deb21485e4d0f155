using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Orders.SystemHost;

/// <summary>
/// Stands in for an identity provider where there is none (the local run, tests, the benchmark): a development signing
/// key that the API trusts through <c>Authentication:DevelopmentSigningKey</c>, and access tokens minted with it the
/// way an OAuth 2.0 server would issue them (issuer <c>orders-development</c>, audience <c>orders-api</c>, scopes in the
/// space-separated <c>scope</c> claim, the client in <c>client_id</c> and <c>sub</c>).
/// </summary>
public sealed class DevelopmentTokens
{
    /// <summary>The issuer the API expects of development tokens.</summary>
    public const string Issuer = "orders-development";

    /// <summary>The API's default audience.</summary>
    public const string Audience = "orders-api";

    /// <summary>Every scope the API knows, for callers that do everything (tests, the benchmark, the local demo).</summary>
    public static readonly IReadOnlyList<string> AllScopes =
        ["orders.submit", "orders.read", "orders.cancel", "orders.pay", "orders.fulfil", "orders.cancel.payment-timeout"];

    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(8);
    private readonly byte[] key;

    private DevelopmentTokens(byte[] key) => this.key = key;

    /// <summary>The signing key, base64, as the API and the processor take it in configuration.</summary>
    public string SigningKey => Convert.ToBase64String(key);

    /// <summary>A key of its own, for one test run.</summary>
    public static DevelopmentTokens CreateRandom() => new(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// The key kept in <paramref name="path"/>, created (readable by this user only) on first use, so tokens printed by
    /// one local run stay valid in the next.
    /// </summary>
    public static DevelopmentTokens LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return new DevelopmentTokens(Convert.FromBase64String(File.ReadAllText(path).Trim()));
        }

        var tokens = CreateRandom();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, tokens.SigningKey);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return tokens;
    }

    /// <summary>
    /// An access token for <paramref name="clientId"/> with <paramref name="scopes"/>. <paramref name="lifetime"/>
    /// (default 8 h) may be negative for an expired token; <paramref name="audience"/> overrides the API's.
    /// </summary>
    public string Mint(string clientId, IEnumerable<string> scopes, TimeSpan? lifetime = null, string audience = Audience)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? DefaultLifetime);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = expires < now ? expires.AddMinutes(-5) : now,
            NotBefore = expires < now ? expires.AddMinutes(-5) : now,
            Expires = expires,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = clientId,
                ["client_id"] = clientId,
                ["scope"] = string.Join(' ', scopes),
            },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
