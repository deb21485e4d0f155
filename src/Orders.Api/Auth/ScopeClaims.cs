using System.Security.Claims;

namespace Orders.Api.Auth;

/// <summary>Reads the scopes an access token grants and the client it was issued to.</summary>
public static class ScopeClaims
{
    /// <summary>
    /// True when the token grants <paramref name="scope"/>: in the space-separated <c>scope</c> claim of RFC 9068, or in
    /// <c>scp</c>, which some providers (Entra ID) use instead and some send as one claim per scope.
    /// </summary>
    public static bool Has(ClaimsPrincipal user, string scope)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindAll(c => c.Type is "scope" or "scp")
            .Any(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));
    }

    /// <summary>
    /// The calling client: <c>client_id</c> (RFC 9068), else <c>azp</c>, else the subject; <c>null</c> when anonymous.
    /// </summary>
    public static string? ClientId(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        return user.FindFirst("client_id")?.Value
            ?? user.FindFirst("azp")?.Value
            ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value
            ?? user.FindFirst("sub")?.Value;
    }
}
