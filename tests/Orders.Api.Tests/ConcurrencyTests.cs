using System.Net;
using Npgsql;
using Orders.Api.Orders;
using Orders.Testing;
using Xunit;

namespace Orders.Api.Tests;

[Collection(ApiCollectionDefinition.Name)]
public sealed class ConcurrencyTests(ApiFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task Shipment_and_cancellation_fired_together_exactly_one_wins_and_the_other_gets_409()
    {
        var orders = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(async _ => await Client.PayAsync(await Client.SubmitOrderAsync())));

        await Task.WhenAll(orders.Select(async order =>
        {
            var ship = Client.PostAsync($"/orders/{order.Id}/shipment", new { carrier = "DHL", trackingNumber = "T" });
            var cancel = Client.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "r" });
            using var shipResponse = await ship;
            using var cancelResponse = await cancel;

            var (winner, loser) = shipResponse.StatusCode == HttpStatusCode.OK
                ? (shipResponse, cancelResponse)
                : (cancelResponse, shipResponse);
            var won = await ApiClient.ReadOrderAsync(winner, HttpStatusCode.OK);
            var problem = await ApiClient.ReadProblemAsync(loser, HttpStatusCode.Conflict);
            Assert.Equal(won.Status.ToString(), problem.GetProperty("currentStatus").GetString());

            var outbox = await Database.OutboxAsync(order.Id);
            Assert.Equal(new OrderRow(won.Status.ToString(), 3, order.Total, won.UpdatedAt), await Database.OrderAsync(order.Id));
            Assert.Equal(3, outbox.Count);
            Assert.Equal(won.Status == OrderStatus.Shipped ? "OrderShipped" : "OrderCancelled", outbox[^1].Type);
            Assert.Equal(3, outbox[^1].Payload.GetProperty("sequence").GetInt32());
        }));
    }

    [Fact]
    public async Task Two_payments_fired_together_are_taken_once()
    {
        var orders = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Client.SubmitOrderAsync()));

        await Task.WhenAll(orders.Select(async order =>
        {
            var responses = await Task.WhenAll(
                Client.PostAsync($"/orders/{order.Id}/payment", new { amount = order.Total, reference = "first" }),
                Client.PostAsync($"/orders/{order.Id}/payment", new { amount = order.Total, reference = "second" }));

            Assert.Equal(
                [HttpStatusCode.OK, HttpStatusCode.Conflict],
                responses.Select(r => r.StatusCode).Order());
            var outbox = await Database.OutboxAsync(order.Id);
            Assert.Equal(["OrderSubmitted", "OrderPaid"], outbox.Select(r => r.Type));
            var won = await ApiClient.ReadOrderAsync(responses.Single(r => r.StatusCode == HttpStatusCode.OK), HttpStatusCode.OK);
            Assert.Equal(won.PaymentReference, outbox[^1].Payload.GetProperty("reference").GetString());
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }));
    }

    [Fact]
    public async Task Changes_of_one_order_fired_together_write_one_event_per_success_in_sequence_order()
    {
        // A client per order, so that the per-client request limit leaves every request to the race.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var client = Api.CreateApiClient(clientId: $"race-{i}");
            var order = await client.SubmitOrderAsync();
            string[] changes = ["payment", "payment", "shipment", "delivery", "cancellation", "cancellation"];
            var responses = await Task.WhenAll(changes.Select(
                change => client.PostAsync($"/orders/{order.Id}/{change}", ApiClient.ChangeBody(change, order))));

            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
            var applied = new List<OrderResponse>();
            foreach (var response in responses.Where(r => r.StatusCode == HttpStatusCode.OK))
            {
                applied.Add(await ApiClient.ReadOrderAsync(response, HttpStatusCode.OK));
            }

            var last = applied.MaxBy(o => o.Sequence)!;
            Assert.Equal(Enumerable.Range(2, applied.Count), applied.Select(o => o.Sequence).Order());
            Assert.Equal(new OrderRow(last.Status.ToString(), 1 + applied.Count, order.Total, last.UpdatedAt), await Database.OrderAsync(order.Id));
            var outbox = await Database.OutboxAsync(order.Id);
            Assert.Equal(Enumerable.Range(1, 1 + applied.Count), outbox.Select(r => r.Payload.GetProperty("sequence").GetInt32()));
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }));
    }

    [Fact]
    public async Task A_change_committed_between_read_and_write_makes_the_request_a_409_with_the_new_status()
    {
        var order = await Client.PayAsync(await Client.SubmitOrderAsync());
        await using var connection = await Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var cancel = new NpgsqlCommand(
            "UPDATE orders SET status = 'Cancelled', sequence = sequence + 1 WHERE id = @id", connection, transaction))
        {
            cancel.Parameters.AddWithValue("id", order.Id);
            await cancel.ExecuteNonQueryAsync();
        }

        // The request reads the committed order (Paid, sequence 2), then its conditional update waits for our lock.
        var ship = Client.PostAsync($"/orders/{order.Id}/shipment", new { carrier = "DHL", trackingNumber = "T" });
        await Eventually.HoldsAsync(
            async () => await Database.CountAsync(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0,
            "the request waits for the row lock");
        await transaction.CommitAsync();

        using var response = await ship;
        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("Cancelled", problem.GetProperty("currentStatus").GetString());
        Assert.Equal(2, (await Database.OutboxAsync(order.Id)).Count);
        Assert.Equal(3, (await Database.OrderAsync(order.Id))!.Sequence);
    }
}
