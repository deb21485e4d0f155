using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>
/// Input a hostile or careless client sends: each is refused with a 4xx problem before anything is written, never
/// answered with a 500 and never silently reinterpreted.
/// </summary>
[Collection(ApiCollectionDefinition.Name)]
public sealed class HostileInputTests(ApiFixture fixture) : ApiTests(fixture)
{
    public static TheoryData<string, string> ControlCharacters => new()
    {
        { "sku", "\\u0000" }, { "sku", "\\u0001" }, { "sku", "\\u001f" }, { "sku", "\\u007f" },
        { "reference", "\\u0000" }, { "reference", "\\n" },
        { "carrier", "\\u0000" }, { "carrier", "\\t" },
        { "trackingNumber", "\\u0000" }, { "trackingNumber", "\\u001b" },
        { "reason", "\\u0000" }, { "reason", "\\r" },
    };

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task A_control_character_in_a_text_member_is_a_400_problem_and_writes_nothing(string member, string character)
    {
        var order = await OrderReadyForAsync(member);
        var text = $"AB{character}C";
        var (path, body) = member switch
        {
            "sku" => ("/orders", $$"""{"userId":4242,"currency":"EUR","lines":[{"sku":"{{text}}","quantity":1,"unitPrice":1.00}]}"""),
            "reference" => ($"/orders/{order.Id}/payment", $$"""{"amount":30.25,"reference":"{{text}}"}"""),
            "carrier" => ($"/orders/{order.Id}/shipment", $$"""{"carrier":"{{text}}","trackingNumber":"T1"}"""),
            "trackingNumber" => ($"/orders/{order.Id}/shipment", $$"""{"carrier":"DHL","trackingNumber":"{{text}}"}"""),
            _ => ($"/orders/{order.Id}/cancellation", $$"""{"reason":"{{text}}"}"""),
        };

        using var response = await Client.PostRawAsync(path, body);

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.EndsWith(member, StringComparison.Ordinal));
        await AssertUnchangedAsync(order);
        Assert.Equal(0, await Database.CountAsync("SELECT count(*) FROM orders WHERE user_id = 4242"));
    }

    [Theory]
    [InlineData("""{"amount":1.00,"amount":30.25,"reference":"psp"}""")]
    [InlineData("""{"Amount":30.25,"reference":"psp"}""")]
    [InlineData("""{"amount":"30.25","reference":"psp"}""")]
    [InlineData("""{"amount":30.25,"reference":"psp","currency":"EUR"}""")]
    [InlineData("""{"amount":30.250000000000000000000000001,"reference":"psp"}""")]
    [InlineData("""{"amount":30.251,"reference":"psp"}""")]
    [InlineData("""{"amount":3.025e1,"reference":"psp"}""")]
    public async Task A_payment_body_that_is_not_exactly_a_payment_is_a_400_problem_and_writes_nothing(string body)
    {
        var order = await Client.SubmitOrderAsync();

        using var response = await Client.PostRawAsync($"/orders/{order.Id}/payment", body);

        await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        await AssertUnchangedAsync(order);
    }

    [Theory]
    [InlineData("""{"userId":"4343","currency":"EUR","lines":[{"sku":"A","quantity":1,"unitPrice":1.00}]}""")]
    [InlineData("""{"userId":4343,"currency":"EUR","lines":[{"sku":"A","quantity":"1","unitPrice":1.00}]}""")]
    [InlineData("""{"userId":4343,"currency":"EUR","lines":[{"sku":"A","quantity":1,"unitPrice":1.00,"discount":1}]}""")]
    [InlineData("""{"userId":4343,"currency":"EUR","lines":[{"sku":"A","quantity":1,"unitPrice":1.00}],"userId":4343}""")]
    [InlineData("""{"userId":4343,"currency":"EUR","lines":[{"SKU":"A","quantity":1,"unitPrice":1.00}]}""")]
    public async Task A_submission_body_that_is_not_exactly_an_order_is_a_400_problem_and_writes_nothing(string body)
    {
        using var response = await Client.PostRawAsync("/orders", body);

        await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await Database.CountAsync("SELECT count(*) FROM orders WHERE user_id = 4343"));
    }

    [Fact]
    public async Task An_amount_with_trailing_zeros_beyond_two_decimals_is_the_same_amount()
    {
        var order = await Client.SubmitOrderAsync();

        using var response = await Client.PostRawAsync($"/orders/{order.Id}/payment", """{"amount":30.2500000,"reference":"psp"}""");

        Assert.Equal(30.25m, (await ApiClient.ReadOrderAsync(response, HttpStatusCode.OK)).Total);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("AAAA")]
    [InlineData("MV8w")]
    [InlineData("OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5")]
    [InlineData("MTIzXw")]
    [InlineData("%00")]
    public async Task A_malformed_paging_cursor_is_a_400_problem(string after)
    {
        using var response = await Client.Http.GetAsync(new Uri($"/orders?userId=42&after={after}", UriKind.Relative));

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("after", out _));
    }

    [Fact]
    public async Task Two_Idempotency_Key_headers_are_a_400_problem_and_write_nothing()
    {
        var order = await Client.SubmitOrderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/orders/{order.Id}/payment")
        {
            Content = new StringContent("""{"amount":30.25,"reference":"psp"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", ["key-a", "key-b"]);

        using var response = await Client.Http.SendAsync(request);

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        await AssertUnchangedAsync(order);
    }

    [Fact]
    public async Task The_openapi_document_does_not_echo_the_request_host()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "attacker.example";

        using var response = await Client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("attacker.example", document, StringComparison.OrdinalIgnoreCase);
        Assert.False(JsonDocument.Parse(document).RootElement.TryGetProperty("servers", out var servers)
            && servers.GetArrayLength() > 0);
    }

    /// <summary>An order in the status the member's change starts from (submission needs none: a fresh order is fine).</summary>
    private async Task<Orders.OrderResponse> OrderReadyForAsync(string member)
    {
        var order = await Client.SubmitOrderAsync();
        return member is "carrier" or "trackingNumber" ? await Client.PayAsync(order) : order;
    }

    private async Task AssertUnchangedAsync(Orders.OrderResponse order)
    {
        Assert.Equal(new OrderRow(order.Status.ToString(), order.Sequence, order.Total, order.UpdatedAt), await Database.OrderAsync(order.Id));
        Assert.Equal(order.Sequence, (await Database.OutboxAsync(order.Id)).Count);
    }
}
