using System.Net;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

[Collection(ApiCollectionDefinition.Name)]
public sealed class OrderTransitionTests(ApiFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task Payment_shipment_and_delivery_each_write_one_outbox_row_with_the_next_sequence()
    {
        var submitted = await Client.SubmitOrderAsync(userId: 11);

        using var payResponse = await Client.PostAsync(
            $"/orders/{submitted.Id}/payment", new { amount = 30.25m, reference = "psp-123" });
        var paid = await ApiClient.ReadOrderAsync(payResponse, HttpStatusCode.OK);
        Assert.Equal((OrderStatus.Paid, 2, "psp-123"), (paid.Status, paid.Sequence, paid.PaymentReference));
        Assert.Equal(paid.UpdatedAt, paid.PaidAt);
        await AssertLatestAsync(paid, "OrderPaid", 2);
        var paidEvent = (await Database.OutboxAsync(paid.Id))[^1].Payload;
        Assert.Equal(30.25m, paidEvent.GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", paidEvent.GetProperty("currency").GetString());
        Assert.Equal("psp-123", paidEvent.GetProperty("reference").GetString());

        using var shipResponse = await Client.PostAsync(
            $"/orders/{paid.Id}/shipment", new { carrier = "UPS", trackingNumber = "1Z999" });
        var shipped = await ApiClient.ReadOrderAsync(shipResponse, HttpStatusCode.OK);
        Assert.Equal((OrderStatus.Shipped, 3, "UPS", "1Z999"), (shipped.Status, shipped.Sequence, shipped.Carrier, shipped.TrackingNumber));
        await AssertLatestAsync(shipped, "OrderShipped", 3);
        var shippedEvent = (await Database.OutboxAsync(paid.Id))[^1].Payload;
        Assert.Equal("UPS", shippedEvent.GetProperty("carrier").GetString());
        Assert.Equal("1Z999", shippedEvent.GetProperty("trackingNumber").GetString());

        using var deliverResponse = await Client.PostAsync($"/orders/{paid.Id}/delivery", null);
        var delivered = await ApiClient.ReadOrderAsync(deliverResponse, HttpStatusCode.OK);
        Assert.Equal((OrderStatus.Delivered, 4), (delivered.Status, delivered.Sequence));
        Assert.Equal(delivered.UpdatedAt, delivered.DeliveredAt);
        await AssertLatestAsync(delivered, "OrderDelivered", 4);

        var outbox = await Database.OutboxAsync(paid.Id);
        Assert.Equal(["OrderSubmitted", "OrderPaid", "OrderShipped", "OrderDelivered"], outbox.Select(r => r.Type));
        Assert.Equal([1, 2, 3, 4], outbox.Select(r => r.Payload.GetProperty("sequence").GetInt32()));
        Assert.All(outbox, r => Assert.Equal(11, r.UserId));
    }

    [Fact]
    public async Task Each_change_keeps_what_earlier_changes_wrote()
    {
        var order = await Client.SubmitOrderAsync();
        var paid = await Client.PayAsync(order);
        var shipped = await Client.ShipAsync(paid);
        using var deliverResponse = await Client.PostAsync($"/orders/{order.Id}/delivery", null);
        var delivered = await ApiClient.ReadOrderAsync(deliverResponse, HttpStatusCode.OK);

        using var read = await Client.Http.GetAsync(new Uri($"/orders/{order.Id}", UriKind.Relative));
        var stored = await ApiClient.ReadOrderAsync(read, HttpStatusCode.OK);
        Assert.Equal(delivered with { Lines = stored.Lines }, stored);
        Assert.Equal(order.Lines, stored.Lines);
        Assert.Equal((order.CreatedAt, paid.PaidAt, paid.PaymentReference), (stored.CreatedAt, stored.PaidAt, stored.PaymentReference));
        Assert.Equal((shipped.Carrier, shipped.TrackingNumber, shipped.ShippedAt), (stored.Carrier, stored.TrackingNumber, stored.ShippedAt));
        Assert.Equal(1, await Database.CountAsync(
            $"SELECT count(*) FROM orders WHERE id = '{order.Id}' AND paid_amount = {order.Total.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancellation_before_shipment_writes_one_OrderCancelled_row(bool paidFirst)
    {
        var order = await Client.SubmitOrderAsync();
        if (paidFirst)
        {
            order = await Client.PayAsync(order);
        }

        using var response = await Client.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "changed my mind" });
        var cancelled = await ApiClient.ReadOrderAsync(response, HttpStatusCode.OK);

        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.Equal("changed my mind", cancelled.CancellationReason);
        Assert.Equal(cancelled.UpdatedAt, cancelled.CancelledAt);
        await AssertLatestAsync(cancelled, "OrderCancelled", order.Sequence + 1);
        var payload = (await Database.OutboxAsync(order.Id))[^1].Payload;
        Assert.Equal("changed my mind", payload.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("Submitted", "shipment")]
    [InlineData("Submitted", "delivery")]
    [InlineData("Paid", "payment")]
    [InlineData("Paid", "delivery")]
    [InlineData("Shipped", "payment")]
    [InlineData("Shipped", "shipment")]
    [InlineData("Shipped", "cancellation")]
    [InlineData("Delivered", "cancellation")]
    [InlineData("Delivered", "delivery")]
    [InlineData("Cancelled", "payment")]
    [InlineData("Cancelled", "shipment")]
    [InlineData("Cancelled", "cancellation")]
    public async Task A_change_the_status_does_not_allow_is_a_409_problem_naming_the_status_and_writes_nothing(
        string status, string change)
    {
        var order = await OrderInAsync(status);

        using var response = await Client.PostAsync($"/orders/{order.Id}/{change}", ApiClient.ChangeBody(change, order));

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(status, problem.GetProperty("currentStatus").GetString());
        Assert.Equal(order.Sequence, (await Database.OrderAsync(order.Id))!.Sequence);
        Assert.Equal(order.Sequence, (await Database.OutboxAsync(order.Id)).Count);
    }

    [Fact]
    public async Task A_payment_that_is_not_the_total_is_a_422_problem_and_writes_nothing()
    {
        var order = await Client.SubmitOrderAsync();

        using var response = await Client.PostAsync($"/orders/{order.Id}/payment", new { amount = 30.24m, reference = "psp" });

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("30.25", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(new OrderRow("Submitted", 1, 30.25m, order.UpdatedAt), await Database.OrderAsync(order.Id));
        Assert.Single(await Database.OutboxAsync(order.Id));
    }

    [Theory]
    [InlineData("payment")]
    [InlineData("shipment")]
    [InlineData("delivery")]
    [InlineData("cancellation")]
    public async Task A_change_of_an_unknown_order_is_a_404_problem(string change)
    {
        var order = await Client.SubmitOrderAsync();
        var unknown = order with { Id = Guid.NewGuid() };

        using var response = await Client.PostAsync($"/orders/{unknown.Id}/{change}", ApiClient.ChangeBody(change, unknown));

        await ApiClient.ReadProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal(0, await Database.CountAsync($"SELECT count(*) FROM outbox WHERE aggregate_id = '{unknown.Id}'"));
    }

    private async Task AssertLatestAsync(OrderResponse order, string type, int sequence)
    {
        var row = await Database.OrderAsync(order.Id);
        var outbox = await Database.OutboxAsync(order.Id);
        Assert.Equal(new OrderRow(order.Status.ToString(), sequence, order.Total, order.UpdatedAt), row);
        Assert.Equal(sequence, outbox.Count);
        var latest = outbox[^1];
        Assert.Equal(type, latest.Type);
        Assert.Equal(sequence, latest.Payload.GetProperty("sequence").GetInt32());
        Assert.Equal(order.Id, latest.Payload.GetProperty("orderId").GetGuid());
        Assert.Equal(order.UserId, latest.Payload.GetProperty("userId").GetInt64());
        Assert.Equal(order.UpdatedAt, latest.Payload.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(order.UpdatedAt, latest.CreatedAt);
    }

    private async Task<OrderResponse> OrderInAsync(string status)
    {
        var order = await Client.SubmitOrderAsync();
        switch (status)
        {
            case "Submitted":
                return order;
            case "Cancelled":
                using (var response = await Client.PostAsync($"/orders/{order.Id}/cancellation", new { reason = "test" }))
                {
                    return await ApiClient.ReadOrderAsync(response, HttpStatusCode.OK);
                }
        }

        order = await Client.PayAsync(order);
        if (status == "Paid")
        {
            return order;
        }

        order = await Client.ShipAsync(order);
        if (status == "Shipped")
        {
            return order;
        }

        using var delivered = await Client.PostAsync($"/orders/{order.Id}/delivery", null);
        return await ApiClient.ReadOrderAsync(delivered, HttpStatusCode.OK);
    }
}
