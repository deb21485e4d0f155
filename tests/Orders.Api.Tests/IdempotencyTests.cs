using System.Net;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

[Collection(ApiCollectionDefinition.Name)]
public sealed class IdempotencyTests(ApiFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task Submit_retried_with_the_same_key_and_body_returns_the_original_response_and_writes_nothing()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await Client.PostAsync("/orders", ApiClient.Submission(userId: 21), key);
        using var retry = await Client.PostAsync("/orders", ApiClient.Submission(userId: 21), key);

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(1, await Database.CountAsync("SELECT count(*) FROM orders WHERE user_id = 21"));
        Assert.Equal(1, await Database.CountAsync("SELECT count(*) FROM outbox WHERE user_id = 21"));
    }

    [Fact]
    public async Task Submit_with_a_used_key_and_another_body_is_a_422_problem_and_writes_nothing()
    {
        var key = Guid.NewGuid().ToString();
        using var first = await Client.PostAsync("/orders", ApiClient.Submission(userId: 22), key);
        using var other = await Client.PostAsync("/orders", ApiClient.Submission(userId: 22, quantity: 3), key);

        var problem = await ApiClient.ReadProblemAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("different request", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await Database.CountAsync("SELECT count(*) FROM orders WHERE user_id = 22"));
        Assert.Equal(1, await Database.CountAsync("SELECT count(*) FROM outbox WHERE user_id = 22"));
    }

    [Fact]
    public async Task A_retry_that_spells_the_order_path_differently_is_the_same_request()
    {
        var order = await Client.SubmitOrderAsync();
        var key = $"spelling-{order.Id}";
        using var first = await Client.PostAsync($"/orders/{order.Id}/payment", ApiClient.ChangeBody("payment", order), key);
        var paid = await ApiClient.ReadOrderAsync(first, HttpStatusCode.OK);

        using var retry = await Client.PostAsync(
            $"/orders/{order.Id.ToString().ToUpperInvariant()}/payment/", ApiClient.ChangeBody("payment", order), key);

        Assert.Equal(paid.UpdatedAt, (await ApiClient.ReadOrderAsync(retry, HttpStatusCode.OK)).UpdatedAt);
        Assert.Equal(
            $"POST /orders/{order.Id}/payment",
            await Database.ScalarTextAsync($"SELECT scope FROM idempotency_keys WHERE key = '{key}'"));
    }

    [Fact]
    public async Task The_same_key_sent_concurrently_creates_one_order()
    {
        for (var round = 0; round < 10; round++)
        {
            var key = Guid.NewGuid().ToString();
            var userId = 2300 + round;
            var responses = await Task.WhenAll(Enumerable.Range(0, 4)
                .Select(_ => Client.PostAsync("/orders", ApiClient.Submission(userId), key)));

            var orders = await Task.WhenAll(responses.Select(r => ApiClient.ReadOrderAsync(r, HttpStatusCode.Created)));
            Assert.Single(orders.Select(o => o.Id).Distinct());
            Assert.Equal(1, await Database.CountAsync($"SELECT count(*) FROM orders WHERE user_id = {userId}"));
            Assert.Equal(1, await Database.CountAsync($"SELECT count(*) FROM outbox WHERE user_id = {userId}"));
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("payment")]
    [InlineData("shipment")]
    [InlineData("delivery")]
    [InlineData("cancellation")]
    public async Task A_status_change_retried_with_the_same_key_returns_the_original_response_and_writes_one_row(string change)
    {
        var order = await OrderReadyForAsync(change);
        var key = Guid.NewGuid().ToString();

        using var first = await Client.PostAsync($"/orders/{order.Id}/{change}", ApiClient.ChangeBody(change, order), key);
        using var retry = await Client.PostAsync($"/orders/{order.Id}/{change}", ApiClient.ChangeBody(change, order), key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        var outbox = await Database.OutboxAsync(order.Id);
        Assert.Equal(order.Sequence + 1, outbox.Count);
        Assert.Equal(order.Sequence + 1, (await Database.OrderAsync(order.Id))!.Sequence);
    }

    [Fact]
    public async Task A_retried_change_replays_even_after_the_order_moved_on()
    {
        var order = await Client.PayAsync(await Client.SubmitOrderAsync());
        var key = Guid.NewGuid().ToString();
        using var first = await Client.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "late" }, key);
        Assert.Equal(OrderStatus.Cancelled, (await ApiClient.ReadOrderAsync(first, HttpStatusCode.OK)).Status);

        using var retry = await Client.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "late" }, key);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal(3, (await Database.OutboxAsync(order.Id)).Count);
    }

    [Fact]
    public async Task A_status_change_with_a_used_key_and_another_body_is_a_422_problem_and_writes_nothing()
    {
        var order = await Client.SubmitOrderAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await Client.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "one" }, key);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var other = await Client.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "two" }, key);

        await ApiClient.ReadProblemAsync(other, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(2, (await Database.OutboxAsync(order.Id)).Count);
    }

    [Fact]
    public async Task The_same_change_sent_concurrently_with_one_key_is_applied_once_and_answered_alike()
    {
        for (var round = 0; round < 10; round++)
        {
            var order = await Client.SubmitOrderAsync();
            var key = Guid.NewGuid().ToString();
            var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
                Client.PostAsync($"/orders/{order.Id}/payment", new { amount = order.Total, reference = "psp" }, key)));

            var bodies = await Task.WhenAll(responses.Select(async r =>
                (r.StatusCode, Body: await r.Content.ReadAsStringAsync())));
            Assert.All(bodies, b => Assert.Equal(HttpStatusCode.OK, b.StatusCode));
            Assert.Single(bodies.Select(b => b.Body).Distinct());
            Assert.Equal(["OrderSubmitted", "OrderPaid"], (await Database.OutboxAsync(order.Id)).Select(r => r.Type));
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_key_is_scoped_to_its_order_and_change()
    {
        var key = Guid.NewGuid().ToString();
        var one = await Client.SubmitOrderAsync();
        var two = await Client.SubmitOrderAsync();

        using var first = await Client.PostAsync($"/orders/{one.Id}/cancellation", new { reason = "r" }, key);
        using var second = await Client.PostAsync($"/orders/{two.Id}/cancellation", new { reason = "r" }, key);

        Assert.Equal(one.Id, (await ApiClient.ReadOrderAsync(first, HttpStatusCode.OK)).Id);
        Assert.Equal(two.Id, (await ApiClient.ReadOrderAsync(second, HttpStatusCode.OK)).Id);
        Assert.Equal(OrderStatus.Cancelled.ToString(), (await Database.OrderAsync(two.Id))!.Status);
    }

    [Fact]
    public async Task A_refused_change_stores_no_response_so_a_retry_is_judged_again()
    {
        var order = await Client.SubmitOrderAsync();
        var key = Guid.NewGuid().ToString();
        using var early = await Client.PostAsync($"/orders/{order.Id}/shipment", new { carrier = "DHL", trackingNumber = "T" }, key);
        await ApiClient.ReadProblemAsync(early, HttpStatusCode.Conflict);
        await Client.PayAsync(order);

        using var retry = await Client.PostAsync($"/orders/{order.Id}/shipment", new { carrier = "DHL", trackingNumber = "T" }, key);

        Assert.Equal(OrderStatus.Shipped, (await ApiClient.ReadOrderAsync(retry, HttpStatusCode.OK)).Status);
    }

    private async Task<OrderResponse> OrderReadyForAsync(string change)
    {
        var order = await Client.SubmitOrderAsync();
        return change switch
        {
            "shipment" => await Client.PayAsync(order),
            "delivery" => await Client.ShipAsync(await Client.PayAsync(order)),
            _ => order,
        };
    }
}
