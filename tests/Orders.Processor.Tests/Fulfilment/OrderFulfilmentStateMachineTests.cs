using Orders.Contracts;
using Orders.Processor.Fulfilment;
using Orders.Processor.OrdersApi;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>The state machine's rules, one scenario per harness.</summary>
public sealed class OrderFulfilmentStateMachineTests
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Submitted_order_awaits_payment_with_a_payment_timeout()
    {
        await using var h = await SagaHarness.StartAsync();
        var orderId = Guid.NewGuid();

        await h.Publish(OrderEvents.Submitted(orderId));

        await h.InState(orderId, m => m.AwaitingPayment);
        var saga = h.Instance(orderId);
        Assert.Equal(1, saga.LastSequence);
        Assert.Equal(42, saga.UserId);
        Assert.NotNull(saga.PaymentTimeoutTokenId);
        Assert.NotNull(saga.SubmittedAt);
    }

    [Fact]
    public async Task Paid_order_awaits_shipment_and_swaps_its_timeouts()
    {
        await using var h = await SagaHarness.StartAsync();
        var orderId = Guid.NewGuid();

        await h.Publish(OrderEvents.Submitted(orderId));
        await h.InState(orderId, m => m.AwaitingPayment);
        await h.Publish(OrderEvents.Paid(orderId));

        await h.InState(orderId, m => m.AwaitingShipment);
        var saga = h.Instance(orderId);
        Assert.Null(saga.PaymentTimeoutTokenId);
        Assert.NotNull(saga.ShipmentTimeoutTokenId);
        Assert.NotNull(saga.PaidAt);
    }

    [Fact]
    public async Task Shipped_order_is_in_transit_and_delivered_order_is_completed()
    {
        await using var h = await SagaHarness.StartAsync();
        var orderId = Guid.NewGuid();

        await h.Publish(OrderEvents.Submitted(orderId));
        await h.InState(orderId, m => m.AwaitingPayment);
        await h.Publish(OrderEvents.Paid(orderId));
        await h.InState(orderId, m => m.AwaitingShipment);
        await h.Publish(OrderEvents.Shipped(orderId));
        await h.InState(orderId, m => m.InTransit);
        Assert.Null(h.Instance(orderId).ShipmentTimeoutTokenId);

        await h.Publish(OrderEvents.Delivered(orderId));

        await h.InState(orderId, m => m.Completed);
        var saga = h.Instance(orderId);
        Assert.Equal(4, saga.LastSequence);
        Assert.NotNull(saga.DeliveredAt);
    }

    [Fact]
    public async Task Cancelled_order_is_cancelled_and_its_payment_timeout_is_dropped()
    {
        await using var h = await SagaHarness.StartAsync();
        var orderId = Guid.NewGuid();

        await h.Publish(OrderEvents.Submitted(orderId));
        await h.InState(orderId, m => m.AwaitingPayment);
        await h.Publish(OrderEvents.Cancelled(orderId, reason: "customer"));

        await h.InState(orderId, m => m.Cancelled);
        var saga = h.Instance(orderId);
        Assert.Equal("customer", saga.CancellationReason);
        Assert.Null(saga.PaymentTimeoutTokenId);
    }

    [Fact]
    public async Task Payment_timeout_asks_the_api_to_cancel_and_the_saga_waits_for_the_cancelled_event()
    {
        await using var h = await SagaHarness.StartAsync(paymentTimeout: ShortTimeout);
        var orderId = Guid.NewGuid();

        await h.Publish(OrderEvents.Submitted(orderId));

        Assert.True(await h.Consumed<PaymentTimedOut>(m => m.OrderId == orderId));
        await Eventually.HoldsAsync(() => h.Instance(orderId).CancellationRequestedAt is not null, "the payment timeout asked the API to cancel");
        var call = Assert.Single(h.Api.Calls);
        Assert.Equal("POST", call.Method);
        Assert.Equal($"/orders/{orderId}/cancellation", call.Path);
        Assert.Equal("""{"reason":"payment-timeout"}""", call.Body);
        Assert.Equal(OrdersApiClient.IdempotencyKey(orderId, "payment-timeout"), call.IdempotencyKey);
        await h.InState(orderId, m => m.AwaitingPayment);
        Assert.Null(h.Instance(orderId).PaymentTimeoutTokenId);

        await h.Publish(OrderEvents.Cancelled(orderId));

        await h.InState(orderId, m => m.Cancelled);
        Assert.Equal(OrderCancelled.PaymentTimeoutReason, h.Instance(orderId).CancellationReason);
    }

    [Fact]
    public async Task Payment_timeout_of_an_order_paid_meanwhile_waits_for_the_payment_event()
    {
        await using var h = await SagaHarness.StartAsync(paymentTimeout: ShortTimeout);
        h.Api.Respond = (_, _) => FakeOrdersApi.Conflict("Paid");
        var orderId = Guid.NewGuid();

        await h.Publish(OrderEvents.Submitted(orderId));

        Assert.True(await h.Consumed<PaymentTimedOut>(m => m.OrderId == orderId));
        await Eventually.HoldsAsync(() => h.Instance(orderId).PaymentTimeoutTokenId is null, "the payment timeout is unscheduled");
        Assert.Single(h.Api.Calls);
        Assert.Null(h.Instance(orderId).CancellationRequestedAt);
        await h.InState(orderId, m => m.AwaitingPayment);

        await h.Publish(OrderEvents.Paid(orderId));

        await h.InState(orderId, m => m.AwaitingShipment);
    }

    [Fact]
    public async Task Shipment_timeout_marks_the_order_overdue_and_a_later_shipment_moves_it_on()
    {
        await using var h = await SagaHarness.StartAsync(shipmentTimeout: ShortTimeout);
        var orderId = Guid.NewGuid();

        await h.Publish(OrderEvents.Submitted(orderId));
        await h.InState(orderId, m => m.AwaitingPayment);
        await h.Publish(OrderEvents.Paid(orderId));

        await h.InState(orderId, m => m.ShipmentOverdue);
        Assert.NotNull(h.Instance(orderId).ShipmentOverdueAt);
        Assert.Empty(h.Api.Calls);

        await h.Publish(OrderEvents.Shipped(orderId));

        await h.InState(orderId, m => m.InTransit);
    }

    [Fact]
    public async Task Repeated_events_change_nothing()
    {
        await using var h = await SagaHarness.StartAsync();
        var orderId = Guid.NewGuid();
        await h.Publish(OrderEvents.Submitted(orderId));
        await h.InState(orderId, m => m.AwaitingPayment);
        await h.Publish(OrderEvents.Paid(orderId));
        await h.InState(orderId, m => m.AwaitingShipment);
        var before = h.Instance(orderId);
        var (updatedAt, token, paidAt) = (before.UpdatedAt, before.ShipmentTimeoutTokenId, before.PaidAt);

        var repeatedPaid = OrderEvents.Paid(orderId) with { Reference = "repeat" };
        await h.Publish(repeatedPaid);
        await h.Publish(OrderEvents.Submitted(orderId));
        Assert.True(await h.Consumed<OrderPaid>(m => m.Reference == "repeat"));
        Assert.True(await h.Consumed<OrderSubmitted>(m => m.OrderId == orderId && h.Saga.Consumed.Select<OrderSubmitted>().Count() == 2));

        var after = h.Instance(orderId);
        Assert.Equal(h.Machine.AwaitingShipment.Name, after.CurrentState);
        Assert.Equal(2, after.LastSequence);
        Assert.Equal(updatedAt, after.UpdatedAt);
        Assert.Equal(token, after.ShipmentTimeoutTokenId);
        Assert.Equal(paidAt, after.PaidAt);
        Assert.False(after.RefundRequired);
    }

    [Fact]
    public async Task Event_after_a_gap_parks_the_order_and_later_events_stay_parked()
    {
        await using var h = await SagaHarness.StartAsync();
        var orderId = Guid.NewGuid();
        await h.Publish(OrderEvents.Submitted(orderId));
        await h.InState(orderId, m => m.AwaitingPayment);

        await h.Publish(OrderEvents.Shipped(orderId, sequence: 3));

        await h.InState(orderId, m => m.Parked);
        var parked = h.Instance(orderId);
        Assert.Equal(1, parked.LastSequence);
        Assert.Equal(2, parked.ExpectedSequence);
        Assert.Equal(3, parked.ReceivedSequence);
        Assert.Null(parked.PaymentTimeoutTokenId);

        await h.Publish(OrderEvents.Delivered(orderId, sequence: 4));
        Assert.True(await h.Consumed<OrderDelivered>(m => m.OrderId == orderId));

        await h.InState(orderId, m => m.Parked);
        var still = h.Instance(orderId);
        Assert.Equal(1, still.LastSequence);
        Assert.Equal(4, still.ReceivedSequence);
        Assert.Null(still.DeliveredAt);
    }

    [Fact]
    public async Task Event_of_an_order_never_seen_parks_it()
    {
        await using var h = await SagaHarness.StartAsync();
        var orderId = Guid.NewGuid();

        await h.Publish(OrderEvents.Paid(orderId, sequence: 2));

        await h.InState(orderId, m => m.Parked);
        var saga = h.Instance(orderId);
        Assert.Equal(0, saga.LastSequence);
        Assert.Equal(1, saga.ExpectedSequence);
        Assert.Equal(2, saga.ReceivedSequence);
        Assert.Equal(42, saga.UserId);
        Assert.Null(saga.PaidAt);
    }

    [Fact]
    public async Task Payment_of_a_cancelled_order_is_recorded_as_needing_a_refund()
    {
        await using var h = await SagaHarness.StartAsync();
        var orderId = Guid.NewGuid();
        await h.Publish(OrderEvents.Submitted(orderId));
        await h.InState(orderId, m => m.AwaitingPayment);
        await h.Publish(OrderEvents.Cancelled(orderId, sequence: 2));
        await h.InState(orderId, m => m.Cancelled);

        await h.Publish(OrderEvents.Paid(orderId, sequence: 3));

        await Eventually.HoldsAsync(() => h.Instance(orderId).RefundRequired, "a refund is recorded as required");
        var saga = h.Instance(orderId);
        Assert.Equal(h.Machine.Cancelled.Name, saga.CurrentState);
        Assert.Equal(21.00m, saga.RefundAmount);
        Assert.Equal("EUR", saga.RefundCurrency);
        Assert.Equal(3, saga.LastSequence);
    }

    [Fact]
    public async Task Late_events_after_completion_only_advance_the_sequence()
    {
        await using var h = await SagaHarness.StartAsync();
        var orderId = Guid.NewGuid();
        await h.Publish(OrderEvents.Submitted(orderId));
        await h.InState(orderId, m => m.AwaitingPayment);
        await h.Publish(OrderEvents.Paid(orderId));
        await h.InState(orderId, m => m.AwaitingShipment);
        await h.Publish(OrderEvents.Shipped(orderId));
        await h.InState(orderId, m => m.InTransit);
        await h.Publish(OrderEvents.Delivered(orderId));
        await h.InState(orderId, m => m.Completed);

        await h.Publish(OrderEvents.Cancelled(orderId, sequence: 5, reason: "late"));

        await Eventually.HoldsAsync(() => h.Instance(orderId).LastSequence == 5, "the fifth event is applied");
        var saga = h.Instance(orderId);
        Assert.Equal(h.Machine.Completed.Name, saga.CurrentState);
        Assert.Null(saga.CancelledAt);
    }
}
