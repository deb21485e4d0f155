using System.Net.Http.Headers;
using Orders.SystemHost;

namespace Orders.FaultInjection;

/// <summary>
/// The one place the program builds HTTP clients for the API: each client calls with a development token of its own
/// client id (so the API's per-client limits apply to each) carrying every scope.
/// </summary>
internal static class ApiHttpClient
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public static HttpClient Create(OrdersSystem system, string clientId)
    {
        var http = new HttpClient { BaseAddress = system.ApiBaseAddress, Timeout = RequestTimeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", system.Tokens.Mint(clientId, DevelopmentTokens.AllScopes));
        return http;
    }
}
