using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Orders.Api.Auth;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>
/// The cache of validated bearer tokens around the real <see cref="JsonWebTokenHandler"/>, on a clock the test moves:
/// which presentations of a token it answers itself and which it hands to validation.
/// </summary>
public sealed class ValidatedTokenCacheTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly SymmetricSecurityKey key = new(RandomNumberGenerator.GetBytes(32));
    private readonly CountingValidator validator = new();

    [Fact]
    public async Task A_token_presented_twice_is_validated_once_and_both_times_accepted_with_its_claims()
    {
        var cache = Cache(TimeSpan.FromMinutes(1));
        var token = Mint(TimeSpan.FromHours(1));

        var first = await cache.ValidateTokenAsync(token, Parameters());
        var second = await cache.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, validator.Validations);
        Assert.Same(first.SecurityToken, second.SecurityToken);
        Assert.Equal("storefront", second.ClaimsIdentity.FindFirst("client_id")?.Value);
    }

    [Fact]
    public async Task Each_presentation_gets_an_identity_of_its_own_so_a_claim_added_to_one_reaches_no_other()
    {
        var cache = Cache(TimeSpan.FromMinutes(1));
        var token = Mint(TimeSpan.FromHours(1));

        var validated = await cache.ValidateTokenAsync(token, Parameters());
        var cached = await cache.ValidateTokenAsync(token, Parameters());
        validated.ClaimsIdentity.AddClaim(new Claim("scope", "orders.pay"));
        cached.ClaimsIdentity.AddClaim(new Claim("scope", "orders.cancel"));
        var later = await cache.ValidateTokenAsync(token, Parameters());

        Assert.Equal(1, validator.Validations);
        Assert.NotSame(validated.ClaimsIdentity, cached.ClaimsIdentity);
        Assert.NotSame(cached.ClaimsIdentity, later.ClaimsIdentity);
        Assert.Equal(["orders.submit"], later.ClaimsIdentity.FindAll("scope").Select(c => c.Value));
        // Validation's identity matches claim types case-sensitively; a copy must not loosen that.
        Assert.IsType<CaseSensitiveClaimsIdentity>(later.ClaimsIdentity);
    }

    [Fact]
    public async Task An_expired_token_is_refused_though_it_was_cached_for_longer()
    {
        var cache = Cache(TimeSpan.FromHours(1));
        var token = Mint(TimeSpan.FromMinutes(1));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);

        clock.Advance(TimeSpan.FromMinutes(1) + TokenValidationParameters.DefaultClockSkew + TimeSpan.FromSeconds(1));
        var late = await cache.ValidateTokenAsync(token, Parameters());

        Assert.False(late.IsValid);
        Assert.IsType<SecurityTokenInvalidLifetimeException>(late.Exception);
        Assert.Equal(2, validator.Validations);
    }

    [Fact]
    public async Task From_its_exp_a_token_is_validated_every_time_though_the_clock_skew_still_accepts_it()
    {
        var cache = Cache(TimeSpan.FromHours(1));
        var token = Mint(TimeSpan.FromMinutes(1));
        await cache.ValidateTokenAsync(token, Parameters());

        clock.Advance(TimeSpan.FromMinutes(1));
        var atExpiry = await cache.ValidateTokenAsync(token, Parameters());
        var after = await cache.ValidateTokenAsync(token, Parameters());

        Assert.True(atExpiry.IsValid);
        Assert.True(after.IsValid);
        Assert.Equal(3, validator.Validations);
    }

    [Fact]
    public async Task A_cached_token_is_validated_again_once_the_cache_duration_has_passed()
    {
        var cache = Cache(TimeSpan.FromMinutes(1));
        var token = Mint(TimeSpan.FromHours(1));
        await cache.ValidateTokenAsync(token, Parameters());

        clock.Advance(TimeSpan.FromSeconds(59));
        await cache.ValidateTokenAsync(token, Parameters());
        Assert.Equal(1, validator.Validations);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(2, validator.Validations);
    }

    [Fact]
    public async Task A_token_with_a_bad_signature_is_refused_every_time_and_never_cached()
    {
        var cache = Cache(TimeSpan.FromMinutes(1));
        var forged = Mint(TimeSpan.FromHours(1), signedWith: new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));

        var first = await cache.ValidateTokenAsync(forged, Parameters());
        var second = await cache.ValidateTokenAsync(forged, Parameters());

        Assert.False(first.IsValid);
        Assert.False(second.IsValid);
        Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>(second.Exception);
        Assert.Equal(2, validator.Validations);
    }

    [Fact]
    public async Task A_token_before_its_nbf_is_validated_every_time_and_cached_only_from_then()
    {
        var cache = Cache(TimeSpan.FromHours(1));
        var token = Mint(TimeSpan.FromHours(1), notBeforeIn: TimeSpan.FromMinutes(1));

        Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(2, validator.Validations);

        clock.Advance(TimeSpan.FromMinutes(1));
        await cache.ValidateTokenAsync(token, Parameters());
        await cache.ValidateTokenAsync(token, Parameters());
        Assert.Equal(3, validator.Validations);
    }

    [Fact]
    public async Task With_a_duration_of_zero_every_presentation_is_validated()
    {
        var cache = Cache(TimeSpan.Zero);
        var token = Mint(TimeSpan.FromHours(1));

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);
        }

        Assert.Equal(3, validator.Validations);
    }

    [Fact]
    public async Task The_cache_keeps_no_more_tokens_than_its_limit()
    {
        var cache = Cache(TimeSpan.FromHours(1), maxEntries: 4);
        var tokens = Enumerable.Range(0, 10).Select(n => Mint(TimeSpan.FromHours(1), clientId: $"client-{n}")).ToList();

        foreach (var token in tokens.Concat(tokens))
        {
            Assert.True((await cache.ValidateTokenAsync(token, Parameters())).IsValid);
        }

        // Of the ten, at most four were held at any time, so at least six are validated a second time.
        Assert.True(validator.Validations >= 16, $"{validator.Validations} validations");
    }

    private ValidatedTokenCache Cache(TimeSpan duration, int maxEntries = ValidatedTokenCache.DefaultMaxEntries) =>
        new(validator, duration, clock, maxEntries);

    private TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = OrdersAuthenticationOptions.DevelopmentIssuer,
        ValidAudience = "orders-api",
        IssuerSigningKey = key,
        LifetimeValidator = WithinLifetime,
    };

    /// <summary>IdentityModel's own lifetime rule on the test's clock, since it cannot be given another clock.</summary>
    private bool WithinLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return expires >= now - parameters.ClockSkew && !(notBefore > now + parameters.ClockSkew);
    }

    private string Mint(TimeSpan lifetime, TimeSpan? notBeforeIn = null, SecurityKey? signedWith = null, string clientId = "storefront")
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = OrdersAuthenticationOptions.DevelopmentIssuer,
            Audience = "orders-api",
            IssuedAt = now,
            NotBefore = now + (notBeforeIn ?? TimeSpan.Zero),
            Expires = now + lifetime,
            Claims = new Dictionary<string, object> { ["client_id"] = clientId, ["scope"] = "orders.submit" },
            SigningCredentials = new SigningCredentials(signedWith ?? key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The API's own validator (claims keep their JWT names), counting the tokens it is asked to validate.</summary>
    private sealed class CountingValidator : TokenHandler
    {
        private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

        public int Validations { get; private set; }

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Validations++;
            return handler.ValidateTokenAsync(token, validationParameters);
        }
    }
}
