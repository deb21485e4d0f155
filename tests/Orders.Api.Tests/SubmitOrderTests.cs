using System.Net;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

[Collection(ApiCollectionDefinition.Name)]
public sealed class SubmitOrderTests(ApiFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task Submit_returns_201_with_location_and_writes_the_order_and_one_OrderSubmitted_row()
    {
        using var response = await Client.PostAsync("/orders", ApiClient.Submission(userId: 7));
        var order = await ApiClient.ReadOrderAsync(response, HttpStatusCode.Created);

        Assert.Equal($"/orders/{order.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(7, order.UserId);
        Assert.Equal("EUR", order.Currency);
        Assert.Equal(30.25m, order.Total);
        Assert.Equal(OrderStatus.Submitted, order.Status);
        Assert.Equal(1, order.Sequence);
        Assert.Equal(order.CreatedAt, order.UpdatedAt);
        Assert.Null(order.PaidAt);
        Assert.Equal(["SKU-1", "SKU-2"], order.Lines.Select(l => l.Sku));

        var row = await Database.OrderAsync(order.Id);
        var outbox = Assert.Single(await Database.OutboxAsync(order.Id));
        Assert.Equal(new OrderRow("Submitted", 1, 30.25m, order.UpdatedAt), row);
        Assert.Equal("OrderSubmitted", outbox.Type);
        Assert.Equal(7, outbox.UserId);
        Assert.Equal(order.CreatedAt, outbox.CreatedAt);
        var payload = outbox.Payload;
        Assert.Equal(order.Id, payload.GetProperty("orderId").GetGuid());
        Assert.Equal(7, payload.GetProperty("userId").GetInt64());
        Assert.Equal(1, payload.GetProperty("sequence").GetInt32());
        Assert.Equal(1, payload.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(30.25m, payload.GetProperty("total").GetDecimal());
        Assert.Equal("EUR", payload.GetProperty("currency").GetString());
        Assert.Equal(order.CreatedAt, payload.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(2, payload.GetProperty("lines").GetArrayLength());
        Assert.Equal(12.50m, payload.GetProperty("lines")[0].GetProperty("unitPrice").GetDecimal());
    }

    [Fact]
    public async Task Get_returns_the_same_json_as_the_submission_amounts_with_two_decimals()
    {
        using var submitted = await Client.PostAsync(
            "/orders", new { userId = 8, currency = "USD", lines = new[] { new { sku = "A", quantity = 2, unitPrice = 12.5m } } });
        var order = await ApiClient.ReadOrderAsync(submitted, HttpStatusCode.Created);

        using var read = await Client.Http.GetAsync($"/orders/{order.Id}");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var json = await submitted.Content.ReadAsStringAsync();
        Assert.Equal(json, await read.Content.ReadAsStringAsync());
        Assert.Contains("\"total\":25.00,", json, StringComparison.Ordinal);
        Assert.Contains("\"unitPrice\":12.50}", json, StringComparison.Ordinal);
        var payload = Assert.Single(await Database.OutboxAsync(order.Id)).Payload;
        Assert.Equal("25.00", payload.GetProperty("total").GetRawText());
    }

    [Fact]
    public async Task Get_of_an_unknown_order_is_a_404_problem()
    {
        var id = Guid.NewGuid();
        using var response = await Client.Http.GetAsync($"/orders/{id}");

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Contains(id.ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        using var response = await Client.Http.GetAsync("/nothing-here");

        await ApiClient.ReadProblemAsync(response, HttpStatusCode.NotFound);
    }
}
