using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace Orders.Api.Auth;

/// <summary>
/// The bearer scheme's token handler, wrapped so that a token is validated once and its repeats are answered from
/// memory: callers send the same token on many requests until it expires, and validating it (signature, parsing,
/// claims) was the largest single hot spot in the API's profile. Only successful validations are kept, each until the
/// earlier of the token's <c>exp</c> and <paramref name="duration"/> from when it was validated, at most
/// <paramref name="maxEntries"/> of them. Every answer carries an identity of its own, so nothing one request does to
/// its principal reaches another.
/// </summary>
/// <remarks>
/// A hit answers with what JwtBearer reads of a result: validity, the token and the identity. The key is the token
/// itself rather than a hash of it, because the cached <see cref="SecurityToken"/>, which JwtBearer hands to its events,
/// holds the encoded token anyway. The parameters a token was validated with are not part of the key: the scheme has
/// one set, and a signing key the authority withdraws stays trusted here for at most <paramref name="duration"/> after
/// JwtBearer has read the new key set.
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "Lives as long as the scheme's options, the process; the cache holds only memory.")]
internal sealed class ValidatedTokenCache(
    TokenHandler validator, TimeSpan duration, TimeProvider clock, int maxEntries = ValidatedTokenCache.DefaultMaxEntries)
    : TokenHandler
{
    /// <summary>
    /// Far more tokens than the API's callers (a few services) hold at once, yet few enough that a full cache of tokens
    /// and their claims stays small next to the API's own memory.
    /// </summary>
    public const int DefaultMaxEntries = 10_000;

    // Once full, new tokens are validated every time until expiry or compaction frees room.
    private readonly MemoryCache validated = new(new MemoryCacheOptions { SizeLimit = maxEntries });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (validated.Get(token) is Validated hit && now < hit.Until)
        {
            return new TokenValidationResult { IsValid = true, SecurityToken = hit.Token, ClaimsIdentity = hit.Identity.Clone() };
        }

        var result = await validator.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid)
        {
            Remember(token, result, now);
        }

        return result;
    }

    public override Task<TokenValidationResult> ValidateTokenAsync(SecurityToken token, TokenValidationParameters validationParameters) =>
        validator.ValidateTokenAsync(token, validationParameters);

    public override SecurityToken ReadToken(string token) => validator.ReadToken(token);

    private void Remember(string token, TokenValidationResult result, DateTimeOffset now)
    {
        // Kept only while the token is valid by its own nbf and exp, without validation's clock skew: outside them it is
        // validated every time, so the cache never answers for a token that validation would refuse. No exp, no entry.
        var securityToken = result.SecurityToken;
        if (securityToken.ValidTo == DateTime.MinValue || securityToken.ValidFrom > now.UtcDateTime)
        {
            return;
        }

        var expires = new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc));
        var until = expires < now + duration ? expires : now + duration;
        if (until <= now)
        {
            return;
        }

        // A relative expiry, because the cache's own clock may not be ours; Until, on our clock, is what decides a hit.
        // The identity is cloned so that this request's copy is not the one later requests are cloned from.
        validated.Set(
            token,
            new Validated(securityToken, result.ClaimsIdentity.Clone(), until),
            new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = until - now });
    }

    private sealed record Validated(SecurityToken Token, ClaimsIdentity Identity, DateTimeOffset Until);
}
