using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orders.SystemHost;
using Xunit;

namespace Orders.EndToEnd.Tests;

/// <summary>Talks to the API the way an upstream service does: JSON over HTTP, with a bearer token.</summary>
internal sealed class OrdersClient : IDisposable
{
    private readonly HttpClient http;

    public OrdersClient(OrdersSystem system)
    {
        http = new HttpClient { BaseAddress = system.ApiBaseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer", system.Tokens.Mint("end-to-end-tests", DevelopmentTokens.AllScopes));
    }

    public async Task<(Guid Id, decimal Total)> SubmitAsync(long userId)
    {
        using var response = await http.PostAsJsonAsync("/orders", new
        {
            userId,
            currency = "EUR",
            lines = new[] { new { sku = "SKU-1", quantity = 3, unitPrice = 9.99m } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetGuid(), body.RootElement.GetProperty("total").GetDecimal());
    }

    public Task PayAsync(Guid id, decimal amount) => PostAsync($"/orders/{id}/payment", new { amount, reference = $"pay-{id:N}" });

    public Task ShipAsync(Guid id) => PostAsync($"/orders/{id}/shipment", new { carrier = "DHL", trackingNumber = "TRK-" + id.ToString("N")[..10] });

    public Task DeliverAsync(Guid id) => PostAsync($"/orders/{id}/delivery", new { });

    /// <summary>Submit, pay, ship and deliver one order; returns its id.</summary>
    public async Task<Guid> RunFullLifecycleAsync(long userId)
    {
        var (id, total) = await SubmitAsync(userId);
        await PayAsync(id, total);
        await ShipAsync(id);
        await DeliverAsync(id);
        return id;
    }

    public void Dispose() => http.Dispose();

    private async Task PostAsync(string path, object body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
