using System.Net;
using System.Net.Http.Json;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

[Collection(ApiCollectionDefinition.Name)]
public sealed class ListOrdersTests(ApiFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task Pages_walk_a_customers_orders_newest_first_without_gaps_or_repeats()
    {
        var submitted = new List<OrderResponse>();
        for (var i = 0; i < 7; i++)
        {
            submitted.Add(await Client.SubmitOrderAsync(userId: 500));
        }

        await Client.SubmitOrderAsync(userId: 501);

        var seen = new List<OrderResponse>();
        var pageSizes = new List<int>();
        string? after = null;
        do
        {
            var page = await ListAsync($"?userId=500&limit=3{(after is null ? "" : "&after=" + after)}");
            pageSizes.Add(page.Items.Count);
            seen.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal([3, 3, 1], pageSizes);
        Assert.Equal(submitted.Select(o => o.Id).Reverse(), seen.Select(o => o.Id));
    }

    [Fact]
    public async Task A_status_filter_and_the_default_page_size_apply()
    {
        var orders = new List<OrderResponse>();
        for (var i = 0; i < 4; i++)
        {
            orders.Add(await Client.SubmitOrderAsync(userId: 600));
        }

        await Client.PayAsync(orders[1]);
        await Client.PayAsync(orders[3]);

        var paid = await ListAsync("?userId=600&status=paid");
        var all = await ListAsync("?userId=600");

        Assert.Equal([orders[3].Id, orders[1].Id], paid.Items.Select(o => o.Id));
        Assert.All(paid.Items, o => Assert.Equal(OrderStatus.Paid, o.Status));
        Assert.Equal(4, all.Items.Count);
        Assert.Null(all.Next);
        Assert.Empty((await ListAsync("?userId=601")).Items);
    }

    private async Task<OrderPage> ListAsync(string query)
    {
        using var response = await Client.Http.GetAsync("/orders" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<OrderPage>(ApiClient.Json))!;
    }
}
