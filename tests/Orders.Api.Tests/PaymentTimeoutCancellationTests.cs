using Xunit;

namespace Orders.Api.Tests;

/// <summary>
/// The payment deadline's cancellation, from the processor's real saga activity through this API: it cancels an unpaid
/// order, and never one whose payment the API accepted while the saga had not applied it yet.
/// </summary>
[Collection(ApiCollectionDefinition.Name)]
public sealed class PaymentTimeoutCancellationTests(ApiFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task Overdue_timeout_of_an_order_paid_but_not_yet_applied_by_the_saga_leaves_it_paid()
    {
        await using var fulfilment = await FulfilmentAgainstApi.StartAsync(Api);
        var order = await Client.SubmitOrderAsync();
        await fulfilment.ApplyAsync(order.Id, sequence: 1);
        await Client.PayAsync(order);

        // The pipeline lags: OrderPaid is in the outbox, not in the saga, when the deadline's timeout is delivered.
        await fulfilment.DeliverPaymentTimeoutAsync(order.Id);

        var row = await Database.OrderAsync(order.Id);
        Assert.Equal(("Paid", 2), (row!.Status, row.Sequence));
        Assert.Equal(["OrderSubmitted", "OrderPaid"], (await Database.OutboxAsync(order.Id)).Select(r => r.Type));
        var saga = await fulfilment.LoadAsync(order.Id);
        Assert.Equal(("AwaitingPayment", 1), (saga.CurrentState, saga.LastSequence));
        Assert.Null(saga.CancellationRequestedAt);

        // The saga then applies the payment it had not seen and moves on.
        await fulfilment.ApplyAsync(order.Id, sequence: 2);
        Assert.Equal("AwaitingShipment", (await fulfilment.LoadAsync(order.Id)).CurrentState);
    }

    [Fact]
    public async Task Overdue_timeout_of_an_unpaid_order_cancels_it_for_payment_timeout()
    {
        await using var fulfilment = await FulfilmentAgainstApi.StartAsync(Api);
        var order = await Client.SubmitOrderAsync();
        await fulfilment.ApplyAsync(order.Id, sequence: 1);

        await fulfilment.DeliverPaymentTimeoutAsync(order.Id);

        var row = await Database.OrderAsync(order.Id);
        Assert.Equal(("Cancelled", 2), (row!.Status, row.Sequence));
        var cancelled = (await Database.OutboxAsync(order.Id))[^1];
        Assert.Equal("OrderCancelled", cancelled.Type);
        Assert.Equal("payment-timeout", cancelled.Payload.GetProperty("reason").GetString());
        Assert.NotNull((await fulfilment.LoadAsync(order.Id)).CancellationRequestedAt);
    }
}
