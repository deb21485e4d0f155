using System.Net;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>
/// <c>ETag</c> on every order response and <c>If-Match</c> on every change: a change holds only while the order is at
/// a version the client names.
/// </summary>
[Collection(ApiCollectionDefinition.Name)]
public sealed class ConditionalChangeTests(ApiFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task Every_response_carrying_an_order_tags_it_with_its_sequence()
    {
        using var submitted = await Client.PostAsync("/orders", ApiClient.Submission());
        var order = await ApiClient.ReadOrderAsync(submitted, HttpStatusCode.Created);
        Assert.Equal("\"1\"", submitted.Headers.ETag?.ToString());

        using var read = await Client.Http.GetAsync(new Uri($"/orders/{order.Id}", UriKind.Relative));
        Assert.Equal("\"1\"", read.Headers.ETag?.ToString());

        using var paid = await Client.PostAsync($"/orders/{order.Id}/payment", ApiClient.ChangeBody("payment", order), "tag-pay");
        Assert.Equal("\"2\"", paid.Headers.ETag?.ToString());
        using var replayed = await Client.PostAsync($"/orders/{order.Id}/payment", ApiClient.ChangeBody("payment", order), "tag-pay");
        Assert.Equal("\"2\"", replayed.Headers.ETag?.ToString());
    }

    [Theory]
    [InlineData("\"1\"")]
    [InlineData("\"7\", \"1\"")]
    [InlineData("*")]
    public async Task A_change_whose_If_Match_names_the_current_version_is_applied(string ifMatch)
    {
        var order = await Client.SubmitOrderAsync();

        using var response = await Client.PostAsync(
            $"/orders/{order.Id}/cancellation", ApiClient.ChangeBody("cancellation", order), ifMatch: ifMatch);

        var cancelled = await ApiClient.ReadOrderAsync(response, HttpStatusCode.OK);
        Assert.Equal((OrderStatus.Cancelled, 2), (cancelled.Status, cancelled.Sequence));
        Assert.Equal(["OrderSubmitted", "OrderCancelled"], (await Database.OutboxAsync(order.Id)).Select(r => r.Type));
    }

    [Theory]
    [InlineData("payment")]
    [InlineData("shipment")]
    [InlineData("delivery")]
    [InlineData("cancellation")]
    public async Task A_change_whose_If_Match_names_an_older_version_is_a_409_with_the_current_one_and_writes_nothing(string change)
    {
        var order = await Client.PayAsync(await Client.SubmitOrderAsync());

        using var response = await Client.PostAsync(
            $"/orders/{order.Id}/{change}", ApiClient.ChangeBody(change, order), $"stale-{change}-{order.Id}", "\"1\"");

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("Paid", problem.GetProperty("currentStatus").GetString());
        Assert.Equal(2, problem.GetProperty("currentSequence").GetInt32());
        Assert.Equal(new OrderRow("Paid", 2, order.Total, order.UpdatedAt), await Database.OrderAsync(order.Id));
        Assert.Equal(2, (await Database.OutboxAsync(order.Id)).Count);
        Assert.Equal(0, await Database.CountAsync($"SELECT count(*) FROM idempotency_keys WHERE key = 'stale-{change}-{order.Id}'"));
    }

    [Fact]
    public async Task A_retry_of_an_applied_conditional_change_replays_its_answer()
    {
        var order = await Client.SubmitOrderAsync();
        var key = $"conditional-{order.Id}";
        using var first = await Client.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "payment-timeout" }, key, "\"1\"");
        var cancelled = await ApiClient.ReadOrderAsync(first, HttpStatusCode.OK);

        using var retry = await Client.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "payment-timeout" }, key, "\"1\"");

        var replayed = await ApiClient.ReadOrderAsync(retry, HttpStatusCode.OK);
        Assert.Equal((cancelled.Status, cancelled.Sequence, cancelled.UpdatedAt), (replayed.Status, replayed.Sequence, replayed.UpdatedAt));
        Assert.Equal(2, (await Database.OutboxAsync(order.Id)).Count);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("W/\"1\"")]
    [InlineData("\"one\"")]
    [InlineData("\"1\" \"2\"")]
    [InlineData("\"-1\"")]
    public async Task A_malformed_If_Match_is_a_400_problem_and_writes_nothing(string ifMatch)
    {
        var order = await Client.SubmitOrderAsync();

        using var response = await Client.PostAsync(
            $"/orders/{order.Id}/cancellation", ApiClient.ChangeBody("cancellation", order), ifMatch: ifMatch);

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("If-Match", out _));
        Assert.Equal(new OrderRow("Submitted", 1, order.Total, order.UpdatedAt), await Database.OrderAsync(order.Id));
        Assert.Single(await Database.OutboxAsync(order.Id));
    }
}
