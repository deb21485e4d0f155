using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.IdentityModel.Tokens;

namespace Orders.Api.Auth;

public static class AuthExtensions
{
    /// <summary>
    /// The policy of <c>POST /orders/{id}/cancellation</c>: <see cref="OrderScopes.Cancel"/>, or
    /// <see cref="OrderScopes.CancelPaymentTimeout"/> with the payment-timeout reason (checked by
    /// <see cref="PaymentTimeoutCancellationFilter"/>).
    /// </summary>
    public const string CancellationPolicy = "orders.cancellation";

    /// <summary>
    /// Registers JWT bearer authentication from <see cref="OrdersAuthenticationOptions"/> (section <c>Authentication</c>),
    /// with each validated token remembered for a short while (<see cref="ValidatedTokenCache"/>),
    /// one authorization policy per <see cref="OrderScopes"/> scope, a fallback policy that demands a token on every
    /// endpoint not marked anonymous, and the bearer scheme in the OpenAPI document. Refused requests get a 401 (with
    /// <c>WWW-Authenticate</c>) or 403 problem. Throws at start-up in Production with the development key, without an
    /// authority, or with a negative cache duration.
    /// </summary>
    public static IHostApplicationBuilder AddOrdersAuthentication(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection(OrdersAuthenticationOptions.SectionName).Get<OrdersAuthenticationOptions>()
            ?? new OrdersAuthenticationOptions();
        var developmentKey = DevelopmentKey(settings, builder.Environment);
        if (settings.ValidatedTokenCacheDuration < TimeSpan.Zero)
        {
            throw new InvalidOperationException("Authentication:ValidatedTokenCacheDuration must not be negative; 0 turns the cache off.");
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            // Claims keep their JWT names (sub, scope, client_id) instead of being renamed to WS-* URIs.
            jwt.MapInboundClaims = false;
            jwt.Audience = settings.Audience;
            jwt.TokenValidationParameters.ValidAudience = settings.Audience;
            if (developmentKey is null)
            {
                jwt.Authority = settings.Authority!.AbsoluteUri;
                jwt.RequireHttpsMetadata = settings.RequireHttpsMetadata;
            }
            else
            {
                jwt.TokenValidationParameters.ValidIssuer = OrdersAuthenticationOptions.DevelopmentIssuer;
                jwt.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(developmentKey);
            }

            // The system clock, because it is what IdentityModel judges lifetimes by (it cannot be given another).
            jwt.TokenHandlers[0] = new ValidatedTokenCache(jwt.TokenHandlers[0], settings.ValidatedTokenCacheDuration, TimeProvider.System);
        });

        var authorization = builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(CancellationPolicy, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
                ScopeClaims.Has(context.User, OrderScopes.Cancel) || ScopeClaims.Has(context.User, OrderScopes.CancelPaymentTimeout)));
        foreach (var scope in OrderScopes.All)
        {
            authorization.AddPolicy(scope, policy => policy.RequireAuthenticatedUser()
                .RequireAssertion(context => ScopeClaims.Has(context.User, scope)));
        }

        builder.Services.Configure<OpenApiOptions>("v1", openApi =>
        {
            openApi.AddDocumentTransformer<BearerSecuritySchemeTransformer>();
            openApi.AddOperationTransformer<BearerSecuritySchemeTransformer>();
        });
        return builder;
    }

    private static byte[]? DevelopmentKey(OrdersAuthenticationOptions settings, IHostEnvironment environment)
    {
        if (string.IsNullOrWhiteSpace(settings.DevelopmentSigningKey))
        {
            if (settings.Authority is not { IsAbsoluteUri: true })
            {
                throw new InvalidOperationException(
                    "Authentication:Authority (the OpenID Connect issuer URL) is not set; the API does not run without one.");
            }

            return null;
        }

        if (environment.IsProduction())
        {
            throw new InvalidOperationException(
                "Authentication:DevelopmentSigningKey is set in Production; use Authentication:Authority and remove the key.");
        }

        var key = Convert.FromBase64String(settings.DevelopmentSigningKey);
        return key.Length >= 32
            ? key
            : throw new InvalidOperationException("Authentication:DevelopmentSigningKey must be at least 32 bytes (base64).");
    }
}
