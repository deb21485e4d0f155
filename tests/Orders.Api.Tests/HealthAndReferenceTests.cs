using System.Net;
using System.Text.Json;
using Xunit;

namespace Orders.Api.Tests;

[Collection(ApiCollectionDefinition.Name)]
public sealed class HealthAndReferenceTests(ApiFixture fixture) : ApiTests(fixture)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_report_healthy_with_the_database_up(string path)
    {
        using var response = await Client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_its_database_the_api_is_live_but_not_ready()
    {
        await using var api = new OrdersApiFactory(
            "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=2", migrateOnStartup: false);
        using var client = api.CreateClient();

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_order_endpoint()
    {
        using var response = await Client.Http.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        Assert.Equal(
            ["/orders", "/orders/{id}", "/orders/{id}/cancellation", "/orders/{id}/delivery", "/orders/{id}/payment", "/orders/{id}/shipment"],
            paths.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.True(paths.GetProperty("/orders/{id}/payment").GetProperty("post").GetProperty("responses").TryGetProperty("409", out _));
    }

    [Fact]
    public async Task The_scalar_reference_page_is_served()
    {
        using var response = await Client.Http.GetAsync("/scalar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }
}
