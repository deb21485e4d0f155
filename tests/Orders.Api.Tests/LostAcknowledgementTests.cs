using System.Net;
using Npgsql;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>
/// The database commits a write but its answer never reaches the API (the connection breaks first). The execution
/// strategy retries on the broken connection; its verification must recognise the committed write, so the client gets
/// the write's own answer and nothing is written twice.
/// </summary>
[Collection(ApiCollectionDefinition.Name)]
public sealed class LostAcknowledgementTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_submission_whose_acknowledgement_was_lost_is_answered_201_and_written_once()
    {
        const long userId = 7001;
        var direct = await fixture.Postgres.CreateDatabaseAsync();
        await using var proxy = ProxyTo(direct);
        await using var api = new OrdersApiFactory(ThroughProxy(direct, proxy));
        using var client = api.CreateApiClient();
        var database = new CommittedRows(direct);
        proxy.LoseAcknowledgementOf("INSERT INTO orders");

        using var response = await client.PostAsync("/orders", ApiClient.Submission(userId));

        var order = await ApiClient.ReadOrderAsync(response, HttpStatusCode.Created);
        Assert.Equal(1, proxy.Lost);
        Assert.Equal(1, await database.CountAsync($"SELECT count(*) FROM orders WHERE user_id = {userId}"));
        Assert.Equal(["OrderSubmitted"], (await database.OutboxAsync(order.Id)).Select(r => r.Type));
    }

    [Fact]
    public async Task A_change_whose_acknowledgement_was_lost_is_answered_200_and_written_once()
    {
        var direct = await fixture.Postgres.CreateDatabaseAsync();
        await using var proxy = ProxyTo(direct);
        await using var api = new OrdersApiFactory(ThroughProxy(direct, proxy));
        using var client = api.CreateApiClient();
        var database = new CommittedRows(direct);
        var submitted = await client.SubmitOrderAsync(7002);
        proxy.LoseAcknowledgementOf("WITH changed AS");

        using var response = await client.PostAsync(
            $"/orders/{submitted.Id}/payment", new { amount = submitted.Total, reference = "psp-lost-ack" });

        var paid = await ApiClient.ReadOrderAsync(response, HttpStatusCode.OK);
        Assert.Equal(1, proxy.Lost);
        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.Equal(new OrderRow(nameof(OrderStatus.Paid), 2, submitted.Total, paid.UpdatedAt), await database.OrderAsync(submitted.Id));
        var outbox = await database.OutboxAsync(submitted.Id);
        Assert.Equal(["OrderSubmitted", "OrderPaid"], outbox.Select(r => r.Type));
        Assert.Equal(2, outbox[^1].Payload.GetProperty("sequence").GetInt32());
    }

    private static LostAcknowledgementProxy ProxyTo(string connectionString)
    {
        var direct = new NpgsqlConnectionStringBuilder(connectionString);
        return new LostAcknowledgementProxy(direct.Host!, direct.Port);
    }

    private static string ThroughProxy(string connectionString, LostAcknowledgementProxy proxy) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Port = proxy.Port }.ConnectionString;
}
