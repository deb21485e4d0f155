using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Orders.Api.Tests;

[Collection(ApiCollectionDefinition.Name)]
public sealed class ValidationTests(ApiFixture fixture) : ApiTests(fixture)
{
    private const string Line = """{"sku":"A","quantity":1,"unitPrice":1.00}""";

    [Theory]
    [InlineData("""{"userId":0,"currency":"EUR","lines":[LINE]}""", "userId")]
    [InlineData("""{"userId":-5,"currency":"EUR","lines":[LINE]}""", "userId")]
    [InlineData("""{"currency":"EUR","lines":[LINE]}""", "userId")]
    [InlineData("""{"userId":1,"currency":"XYZ","lines":[LINE]}""", "currency")]
    [InlineData("""{"userId":1,"currency":"eur","lines":[LINE]}""", "currency")]
    [InlineData("""{"userId":1,"currency":"EURO","lines":[LINE]}""", "currency")]
    [InlineData("""{"userId":1,"lines":[LINE]}""", "currency")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[]}""", "lines")]
    [InlineData("""{"userId":1,"currency":"EUR"}""", "lines")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[null]}""", "lines[0]")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"A","quantity":0,"unitPrice":1}]}""", "lines[0].quantity")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"A","quantity":10001,"unitPrice":1}]}""", "lines[0].quantity")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"A","unitPrice":1}]}""", "lines[0].quantity")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"A","quantity":1,"unitPrice":0}]}""", "lines[0].unitPrice")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"A","quantity":1,"unitPrice":-1}]}""", "lines[0].unitPrice")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"A","quantity":1,"unitPrice":1.001}]}""", "lines[0].unitPrice")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"A","quantity":1}]}""", "lines[0].unitPrice")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"","quantity":1,"unitPrice":1}]}""", "lines[0].sku")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"  ","quantity":1,"unitPrice":1}]}""", "lines[0].sku")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"quantity":1,"unitPrice":1}]}""", "lines[0].sku")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"SKU65","quantity":1,"unitPrice":1}]}""", "lines[0].sku")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[LINE,{"sku":"B","quantity":20000,"unitPrice":1}]}""", "lines[1].quantity")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"A","quantity":10000,"unitPrice":9999999.99}]}""", "lines")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[LINES101]}""", "lines")]
    public async Task An_invalid_submission_is_a_400_validation_problem_naming_the_field_and_writes_nothing(
        string body, string field)
    {
        body = body
            .Replace("LINES101", string.Join(',', Enumerable.Repeat(Line, 101)), StringComparison.Ordinal)
            .Replace("LINE", Line, StringComparison.Ordinal)
            .Replace("SKU65", new string('s', 65), StringComparison.Ordinal);

        await AssertRefusedAsync(() => Client.PostRawAsync("/orders", body), field);
    }

    [Theory]
    [InlineData("payment", """{"amount":0,"reference":"r"}""", "amount")]
    [InlineData("payment", """{"amount":-30.25,"reference":"r"}""", "amount")]
    [InlineData("payment", """{"amount":30.251,"reference":"r"}""", "amount")]
    [InlineData("payment", """{"reference":"r"}""", "amount")]
    [InlineData("payment", """{"amount":30.25}""", "reference")]
    [InlineData("payment", """{"amount":30.25,"reference":""}""", "reference")]
    [InlineData("payment", """{"amount":30.25,"reference":"LONG129"}""", "reference")]
    [InlineData("shipment", """{"trackingNumber":"T"}""", "carrier")]
    [InlineData("shipment", """{"carrier":"LONG65","trackingNumber":"T"}""", "carrier")]
    [InlineData("shipment", """{"carrier":"DHL","trackingNumber":" "}""", "trackingNumber")]
    [InlineData("cancellation", """{}""", "reason")]
    [InlineData("cancellation", """{"reason":"LONG257"}""", "reason")]
    public async Task An_invalid_status_change_is_a_400_validation_problem_naming_the_field_and_writes_nothing(
        string change, string body, string field)
    {
        var order = await Client.SubmitOrderAsync();
        body = body
            .Replace("LONG129", new string('x', 129), StringComparison.Ordinal)
            .Replace("LONG257", new string('x', 257), StringComparison.Ordinal)
            .Replace("LONG65", new string('x', 65), StringComparison.Ordinal);

        await AssertRefusedAsync(() => Client.PostRawAsync($"/orders/{order.Id}/{change}", body), field);
        Assert.Equal(1, (await Database.OrderAsync(order.Id))!.Sequence);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("naïve")]
    [InlineData("LONG129")]
    public async Task An_unusable_idempotency_key_is_a_400_validation_problem(string key)
    {
        key = key.Replace("LONG129", new string('k', 129), StringComparison.Ordinal);
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = new StringContent(JsonSerializer.Serialize(ApiClient.Submission()), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        await AssertRefusedAsync(() => Client.Http.SendAsync(request), "Idempotency-Key");
    }

    [Theory]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[""")]
    [InlineData("""{"userId":"one","currency":"EUR","lines":[]}""")]
    [InlineData("""{"userId":1,"currency":"EUR","lines":[{"sku":"A","quantity":1.5,"unitPrice":1}]}""")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Malformed_json_is_a_400_problem_not_an_exception_page(string body)
    {
        var before = await CountWrittenAsync();

        using var response = await Client.PostRawAsync("/orders", body);

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(before, await CountWrittenAsync());
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_a_413_problem()
    {
        var before = await CountWrittenAsync();
        var body = $$"""{"userId":1,"currency":"EUR","lines":[{"sku":"{{new string('a', 64 * 1024)}}","quantity":1,"unitPrice":1}]}""";

        using var response = await Client.PostRawAsync("/orders", body);

        await ApiClient.ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await CountWrittenAsync());
    }

    [Fact]
    public async Task The_limits_themselves_are_accepted()
    {
        var lines = Enumerable.Range(0, 100)
            .Select(i => new { sku = i == 0 ? new string('s', 64) : $"S{i}", quantity = i == 0 ? 10_000 : 1, unitPrice = 0.01m });

        using var response = await Client.PostAsync("/orders", new { userId = long.MaxValue, currency = "JPY", lines });

        var order = await ApiClient.ReadOrderAsync(response, HttpStatusCode.Created);
        Assert.Equal(100.99m, order.Total);
        Assert.Equal(100, order.Lines.Count);
    }

    [Theory]
    [InlineData("?status=Paid", "userId")]
    [InlineData("?userId=0", "userId")]
    [InlineData("?userId=1&limit=0", "limit")]
    [InlineData("?userId=1&limit=101", "limit")]
    [InlineData("?userId=1&status=Lost", "status")]
    [InlineData("?userId=1&status=Paid,Shipped", "status")]
    [InlineData("?userId=1&status=1", "status")]
    [InlineData("?userId=1&after=not-a-cursor", "after")]
    public async Task An_invalid_listing_query_is_a_400_validation_problem(string query, string field)
    {
        using var response = await Client.Http.GetAsync("/orders" + query);

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    private async Task AssertRefusedAsync(Func<Task<HttpResponseMessage>> send, string field)
    {
        var before = await CountWrittenAsync();

        using var response = await send();

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"No error for {field}: {errors}");
        Assert.NotEmpty(messages.EnumerateArray());
        Assert.Equal(before, await CountWrittenAsync());
    }

    private async Task<(long Orders, long Outbox, long Keys)> CountWrittenAsync() => (
        await Database.CountAsync("SELECT count(*) FROM orders"),
        await Database.CountAsync("SELECT count(*) FROM outbox"),
        await Database.CountAsync("SELECT count(*) FROM idempotency_keys"));
}
