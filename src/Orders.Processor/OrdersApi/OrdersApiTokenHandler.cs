using System.Net;
using System.Net.Http.Headers;

namespace Orders.Processor.OrdersApi;

/// <summary>
/// Puts the processor's bearer token on every Orders API request. A 401 means the API no longer takes the cached token
/// (revoked, keys rotated, clocks apart): the request is sent once more with a new one; a second 401 goes back to the
/// caller, which treats it as a failure to retry later, never as a refused cancellation.
/// </summary>
internal sealed class OrdersApiTokenHandler(OrdersApiTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        tokens.Invalidate(token);
        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
