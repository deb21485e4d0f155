using System.Net;
using System.Text.Json;
using Orders.Api.Auth;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>Each endpoint demands its scope: a token without it gets a 403 problem and changes nothing.</summary>
[Collection(ApiCollectionDefinition.Name)]
public sealed class AuthorizationTests(ApiFixture fixture) : ApiTests(fixture)
{
    public static TheoryData<string, string> EndpointScopes => new()
    {
        { "submission", OrderScopes.Submit },
        { "read", OrderScopes.Read },
        { "list", OrderScopes.Read },
        { "payment", OrderScopes.Pay },
        { "shipment", OrderScopes.Fulfil },
        { "delivery", OrderScopes.Fulfil },
        { "cancellation", OrderScopes.Cancel },
    };

    [Theory]
    [MemberData(nameof(EndpointScopes))]
    public async Task A_token_with_every_scope_but_the_one_an_endpoint_needs_gets_a_403_problem_and_nothing_changes(
        string endpoint, string scope)
    {
        var order = await Client.SubmitOrderAsync(userId: 4030);
        if (endpoint is "shipment")
        {
            await Client.PayAsync(order);
        }
        else if (endpoint is "delivery")
        {
            await Client.ShipAsync(await Client.PayAsync(order));
        }

        var before = await Database.OutboxAsync(order.Id);
        var others = OrderScopes.All.Where(s => s != scope && !(endpoint is "cancellation" && s == OrderScopes.CancelPaymentTimeout));
        using var client = Api.CreateApiClient(others, clientId: "under-scoped");

        using var response = await SendAsync(client, endpoint, order);

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(403, problem.GetProperty("status").GetInt32());
        Assert.Equal(before.Count, (await Database.OutboxAsync(order.Id)).Count);
        Assert.Equal(1, await Database.CountAsync("SELECT count(*) FROM orders WHERE user_id = 4030 AND id = '" + order.Id + "'"));
        Assert.Equal(before[^1].Type, (await Database.OutboxAsync(order.Id))[^1].Type);
    }

    [Theory]
    [MemberData(nameof(EndpointScopes))]
    public async Task A_token_with_only_the_scope_an_endpoint_needs_is_served(string endpoint, string scope)
    {
        var order = await Client.SubmitOrderAsync(userId: 4031);
        if (endpoint is "shipment")
        {
            order = await Client.PayAsync(order);
        }
        else if (endpoint is "delivery")
        {
            order = await Client.ShipAsync(await Client.PayAsync(order));
        }

        using var client = Api.CreateApiClient([scope], clientId: "least-privilege");

        using var response = await SendAsync(client, endpoint, order);

        Assert.True(response.IsSuccessStatusCode, $"{endpoint} with {scope}: {(int)response.StatusCode}");
    }

    [Fact]
    public async Task The_processor_scope_cancels_only_for_the_payment_timeout()
    {
        var order = await Client.SubmitOrderAsync(userId: 4032);
        using var processor = Api.CreateApiClient([OrderScopes.CancelPaymentTimeout], clientId: "orders-processor");

        using var otherReason = await processor.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "customer asked" });
        await ApiClient.ReadProblemAsync(otherReason, HttpStatusCode.Forbidden);
        Assert.Single(await Database.OutboxAsync(order.Id));

        using var timedOut = await processor.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "payment-timeout" });
        var cancelled = await ApiClient.ReadOrderAsync(timedOut, HttpStatusCode.OK);
        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);

        using var submit = await processor.PostAsync("/orders", ApiClient.Submission(userId: 4032));
        await ApiClient.ReadProblemAsync(submit, HttpStatusCode.Forbidden);
        Assert.Equal(1, await Database.CountAsync("SELECT count(*) FROM orders WHERE user_id = 4032"));
    }

    [Fact]
    public async Task The_openapi_document_declares_the_bearer_scheme_and_the_scope_of_each_operation()
    {
        using var response = await Client.Http.GetAsync("/openapi/v1.json");
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var payment = document.GetProperty("paths").GetProperty("/orders/{id}/payment").GetProperty("post");
        var requirement = Assert.Single(payment.GetProperty("security").EnumerateArray());
        Assert.Equal([OrderScopes.Pay], requirement.GetProperty("Bearer").EnumerateArray().Select(s => s.GetString()));
        Assert.True(payment.GetProperty("responses").TryGetProperty("403", out _));
    }

    private static Task<HttpResponseMessage> SendAsync(ApiClient client, string endpoint, OrderResponse order) => endpoint switch
    {
        "submission" => client.PostAsync("/orders", ApiClient.Submission(userId: 4030)),
        "read" => client.Http.GetAsync($"/orders/{order.Id}"),
        "list" => client.Http.GetAsync("/orders?userId=4030"),
        "delivery" => client.PostAsync($"/orders/{order.Id}/delivery", null),
        _ => client.PostAsync($"/orders/{order.Id}/{endpoint}", ApiClient.ChangeBody(endpoint, order)),
    };
}
