using Orders.Contracts;
using Orders.Fulfilment.Scenarios;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>
/// The fulfilment saga's rules as scenarios in virtual time, with the production deadlines (15 minutes to pay, 2 days
/// to ship). Each runs on every back-end that derives from this class: in memory, and through the real pipeline with
/// partition batches off and on. Every cell of the state table in docs/processor.md is named by a [Covers] here
/// (<see cref="StateTableCoverageTests"/>). The guide, docs/saga-scenarios.md, quotes five of them.
/// </summary>
public abstract class FulfilmentScenarioTests
{
    private const string Initial = "Initial";
    private const string AwaitingPayment = "AwaitingPayment";
    private const string AwaitingShipment = "AwaitingShipment";
    private const string ShipmentOverdue = "ShipmentOverdue";
    private const string InTransit = "InTransit";
    private const string Completed = "Completed";
    private const string Cancelled = "Cancelled";
    private const string Parked = "Parked";
    private const string PaymentTimeout = "PaymentTimeout.Received";
    private const string ShipmentTimeout = "ShipmentTimeout.Received";

    private static readonly TimeSpan FifteenMinutes = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan TwoDays = TimeSpan.FromDays(2);

    protected abstract Task<FulfilmentScenario> StartAsync();

    [Fact]
    [Covers(Initial, nameof(OrderSubmitted))]
    public async Task Submitted_order_awaits_payment_for_15_minutes()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();

        await s.GivenAsync(order.Submitted());

        (await s.ThenAsync(order))
            .IsIn(AwaitingPayment)
            .Has(x => x.LastSequence, 1)
            .Has(x => x.SubmittedAt, s.Start)
            .HasTimeouts(PendingTimeout.Payment(s.Start + FifteenMinutes))
            .MadeNoApiCalls();
    }

    [Fact]
    [Covers(AwaitingPayment, PaymentTimeout)]
    [Covers(AwaitingPayment, nameof(OrderCancelled))]
    public async Task Unpaid_order_is_cancelled_through_the_api_when_its_15_minutes_pass()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();
        await s.GivenAsync(order.Submitted());

        await s.AdvanceAsync(FifteenMinutes);

        (await s.ThenAsync(order))
            .IsIn(AwaitingPayment)
            .Has(x => x.CancellationRequestedAt, s.Start + FifteenMinutes)
            .HasNoTimeouts()
            .AskedToCancel(OrderCancelled.PaymentTimeoutReason, ifMatch: "\"1\"");

        // The API wrote OrderCancelled when it accepted; only that event moves the saga.
        await s.GivenAsync(order.Latest);

        (await s.ThenAsync(order))
            .IsIn(Cancelled)
            .Has(x => x.LastSequence, 2)
            .Has(x => x.CancellationReason, OrderCancelled.PaymentTimeoutReason);
    }

    [Fact]
    [Covers(AwaitingPayment, PaymentTimeout)]
    [Covers(AwaitingPayment, nameof(OrderPaid))]
    public async Task Deadline_firing_while_the_saga_lags_behind_an_accepted_payment_waits_for_the_payment()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();
        await s.GivenAsync(order.Submitted());
        await s.AdvanceAsync(TimeSpan.FromMinutes(14));
        var paid = order.Paid();

        // The API has taken the payment; its OrderPaid is still on its way when the deadline passes.
        await s.AdvanceAsync(TimeSpan.FromMinutes(1));

        (await s.ThenAsync(order))
            .IsIn(AwaitingPayment)
            .Has(x => x.CancellationRequestedAt, null)
            .HasNoTimeouts()
            .AskedToCancel(OrderCancelled.PaymentTimeoutReason, answered: 409, ifMatch: "\"1\"");

        await s.GivenAsync(paid);

        (await s.ThenAsync(order))
            .IsIn(AwaitingShipment)
            .Has(x => x.PaidAt, s.Start + TimeSpan.FromMinutes(14))
            .HasTimeouts(PendingTimeout.Shipment(s.Start + FifteenMinutes + TwoDays));
    }

    [Fact]
    [Covers(AwaitingShipment, ShipmentTimeout)]
    [Covers(ShipmentOverdue, nameof(OrderShipped))]
    public async Task Paid_order_not_shipped_within_2_days_is_overdue_and_a_late_shipment_still_moves_it_on()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();
        await s.GivenAsync(order.Submitted(), order.Paid());

        await s.AdvanceAsync(TwoDays);

        (await s.ThenAsync(order))
            .IsIn(ShipmentOverdue)
            .Has(x => x.ShipmentOverdueAt, s.Start + TwoDays)
            .HasNoTimeouts()
            .MadeNoApiCalls();

        await s.GivenAsync(order.Shipped());

        (await s.ThenAsync(order)).IsIn(InTransit).Has(x => x.LastSequence, 3);
    }

    [Fact]
    [Covers(AwaitingShipment, nameof(OrderShipped))]
    [Covers(InTransit, nameof(OrderDelivered))]
    public async Task Order_paid_shipped_and_delivered_completes_with_no_timeout_left()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();
        await s.GivenAsync(order.Submitted());
        await s.AdvanceAsync(TimeSpan.FromMinutes(5));
        await s.GivenAsync(order.Paid());
        await s.AdvanceAsync(TimeSpan.FromDays(1));
        await s.GivenAsync(order.Shipped());

        (await s.ThenAsync(order)).IsIn(InTransit).HasNoTimeouts();

        await s.AdvanceAsync(TimeSpan.FromDays(3));
        await s.GivenAsync(order.Delivered());

        (await s.ThenAsync(order))
            .IsIn(Completed)
            .Has(x => x.LastSequence, 4)
            .Has(x => x.PaidAt, s.Start + TimeSpan.FromMinutes(5))
            .Has(x => x.ShippedAt, s.Start + TimeSpan.FromMinutes(5) + TimeSpan.FromDays(1))
            .Has(x => x.DeliveredAt, s.Now)
            .HasNoTimeouts()
            .MadeNoApiCalls();
    }

    [Fact]
    [Covers(AwaitingPayment, nameof(OrderShipped))]
    [Covers(AwaitingPayment, nameof(OrderDelivered))]
    public async Task Order_shipped_or_delivered_before_its_payment_arrived_moves_on_without_its_payment_deadline()
    {
        await using var s = await StartAsync();
        var shipped = s.NewOrder();
        var delivered = s.NewOrder();

        await s.GivenAsync(shipped.Submitted(), shipped.Shipped(), delivered.Submitted(), delivered.Delivered());
        await s.AdvanceAsync(FifteenMinutes);

        (await s.ThenAsync(shipped)).IsIn(InTransit).HasNoTimeouts().MadeNoApiCalls();
        (await s.ThenAsync(delivered)).IsIn(Completed).HasNoTimeouts().MadeNoApiCalls();
    }

    [Fact]
    [Covers(AwaitingShipment, nameof(OrderCancelled))]
    [Covers(ShipmentOverdue, nameof(OrderCancelled))]
    [Covers(InTransit, nameof(OrderCancelled))]
    [Covers(AwaitingShipment, nameof(OrderDelivered))]
    [Covers(ShipmentOverdue, nameof(OrderDelivered))]
    public async Task Paid_order_cancelled_or_delivered_while_awaiting_shipment_overdue_or_in_transit_drops_its_deadline()
    {
        await using var s = await StartAsync();
        var awaiting = s.NewOrder();
        var overdue = s.NewOrder();
        var inTransit = s.NewOrder();
        var deliveredAwaiting = s.NewOrder();
        var deliveredOverdue = s.NewOrder();
        await s.GivenAsync(overdue.Submitted(), overdue.Paid(), deliveredOverdue.Submitted(), deliveredOverdue.Paid());
        await s.AdvanceAsync(TwoDays);
        await s.GivenAsync(
            awaiting.Submitted(), awaiting.Paid(), inTransit.Submitted(), inTransit.Paid(), inTransit.Shipped(),
            deliveredAwaiting.Submitted(), deliveredAwaiting.Paid());

        await s.GivenAsync(
            awaiting.Cancelled(), overdue.Cancelled(), inTransit.Cancelled(), deliveredAwaiting.Delivered(), deliveredOverdue.Delivered());

        foreach (var order in new[] { awaiting, overdue, inTransit })
        {
            (await s.ThenAsync(order)).IsIn(Cancelled).Has(x => x.CancelledAt, s.Now).HasNoTimeouts();
        }

        (await s.ThenAsync(deliveredAwaiting)).IsIn(Completed).HasNoTimeouts();
        (await s.ThenAsync(deliveredOverdue)).IsIn(Completed).HasNoTimeouts();
    }

    [Fact]
    [Covers(Cancelled, nameof(OrderPaid))]
    public async Task Payment_of_a_cancelled_order_is_recorded_as_a_refund()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();
        await s.GivenAsync(order.Submitted(), order.Cancelled());

        await s.GivenAsync(order.Paid(amount: 21.00m));

        (await s.ThenAsync(order))
            .IsIn(Cancelled)
            .Has(x => x.LastSequence, 3)
            .Has(x => x.RefundRequired, true)
            .Has(x => x.RefundAmount, 21.00m)
            .Has(x => x.RefundCurrency, "EUR");
    }

    [Fact]
    [Covers(AwaitingShipment, nameof(OrderPaid))]
    [Covers(ShipmentOverdue, nameof(OrderPaid))]
    [Covers(InTransit, nameof(OrderPaid))]
    [Covers(Completed, nameof(OrderPaid))]
    public async Task Second_payment_is_recorded_as_a_refund_in_every_state_past_payment()
    {
        await using var s = await StartAsync();
        var awaiting = s.NewOrder();
        var overdue = s.NewOrder();
        var inTransit = s.NewOrder();
        var completed = s.NewOrder();
        await s.GivenAsync(overdue.Submitted(), overdue.Paid());
        await s.AdvanceAsync(TwoDays);
        await s.GivenAsync(
            awaiting.Submitted(), awaiting.Paid(), inTransit.Submitted(), inTransit.Paid(), inTransit.Shipped(),
            completed.Submitted(), completed.Paid(), completed.Shipped(), completed.Delivered());

        await s.GivenAsync(awaiting.Paid(5m), overdue.Paid(5m), inTransit.Paid(5m), completed.Paid(5m));

        (await s.ThenAsync(awaiting)).IsIn(AwaitingShipment).Has(x => x.RefundAmount, 5m);
        (await s.ThenAsync(overdue)).IsIn(ShipmentOverdue).Has(x => x.RefundAmount, 5m);
        (await s.ThenAsync(inTransit)).IsIn(InTransit).Has(x => x.RefundAmount, 5m);
        (await s.ThenAsync(completed)).IsIn(Completed).Has(x => x.RefundAmount, 5m).Has(x => x.LastSequence, 5);
    }

    [Fact]
    [Covers(InTransit, nameof(OrderShipped))]
    [Covers(Completed, nameof(OrderShipped))]
    [Covers(Completed, nameof(OrderDelivered))]
    [Covers(Completed, nameof(OrderCancelled))]
    [Covers(Cancelled, nameof(OrderShipped))]
    [Covers(Cancelled, nameof(OrderDelivered))]
    [Covers(Cancelled, nameof(OrderCancelled))]
    public async Task Late_events_of_a_finished_or_shipped_order_only_move_its_sequence()
    {
        await using var s = await StartAsync();
        var inTransit = s.NewOrder();
        var completed = s.NewOrder();
        var cancelled = s.NewOrder();
        await s.GivenAsync(
            inTransit.Submitted(), inTransit.Paid(), inTransit.Shipped(),
            completed.Submitted(), completed.Paid(), completed.Shipped(), completed.Delivered(),
            cancelled.Submitted(), cancelled.Cancelled());
        var shippedAt = s.Now;
        await s.AdvanceAsync(TimeSpan.FromHours(1));

        await s.GivenAsync(
            inTransit.Shipped(trackingNumber: "TRACK-2"),
            completed.Shipped(), completed.Delivered(), completed.Cancelled(),
            cancelled.Shipped(), cancelled.Delivered(), cancelled.Cancelled(reason: "again"));

        (await s.ThenAsync(inTransit)).IsIn(InTransit).Has(x => x.LastSequence, 4).Has(x => x.ShippedAt, shippedAt);
        (await s.ThenAsync(completed)).IsIn(Completed).Has(x => x.LastSequence, 7).Has(x => x.CancelledAt, null);
        (await s.ThenAsync(cancelled))
            .IsIn(Cancelled)
            .Has(x => x.LastSequence, 5)
            .Has(x => x.CancellationReason, "customer")
            .Has(x => x.DeliveredAt, null);
    }

    [Fact]
    [Covers(AwaitingPayment, nameof(OrderSubmitted))]
    [Covers(AwaitingShipment, nameof(OrderSubmitted))]
    [Covers(ShipmentOverdue, nameof(OrderSubmitted))]
    [Covers(InTransit, nameof(OrderSubmitted))]
    [Covers(Completed, nameof(OrderSubmitted))]
    [Covers(Cancelled, nameof(OrderSubmitted))]
    public async Task Repeated_events_change_nothing_in_any_state()
    {
        await using var s = await StartAsync();
        var awaitingPayment = s.NewOrder();
        var awaitingShipment = s.NewOrder();
        var overdue = s.NewOrder();
        var inTransit = s.NewOrder();
        var completed = s.NewOrder();
        var cancelled = s.NewOrder();
        await s.GivenAsync(overdue.Submitted(), overdue.Paid());
        await s.AdvanceAsync(TwoDays);
        await s.GivenAsync(
            awaitingPayment.Submitted(), awaitingShipment.Submitted(), awaitingShipment.Paid(),
            inTransit.Submitted(), inTransit.Paid(), inTransit.Shipped(),
            completed.Submitted(), completed.Paid(), completed.Shipped(), completed.Delivered(),
            cancelled.Submitted(), cancelled.Cancelled());
        ScenarioOrder[] orders = [awaitingPayment, awaitingShipment, overdue, inTransit, completed, cancelled];
        var before = new List<SagaThen>();
        foreach (var order in orders)
        {
            before.Add(await s.ThenAsync(order));
        }

        await s.AdvanceAsync(TimeSpan.FromMinutes(1));

        // Kafka delivers at least once: every event of every order again, the submission last.
        await s.GivenAsync([.. orders.SelectMany(o => o.Written.Skip(1)), .. orders.Select(o => o.Written[0])]);

        for (var i = 0; i < orders.Length; i++)
        {
            (await s.ThenAsync(orders[i]))
                .IsIn(before[i].Saga.CurrentState)
                .Has(x => x.LastSequence, before[i].Saga.LastSequence)
                .Has(x => x.UpdatedAt, before[i].Saga.UpdatedAt)
                .Has(x => x.RefundRequired, false)
                .HasTimeouts([.. before[i].Timeouts]);
        }
    }

    [Fact]
    [Covers(Initial, nameof(OrderPaid))]
    [Covers(Initial, nameof(OrderShipped))]
    [Covers(Initial, nameof(OrderDelivered))]
    [Covers(Initial, nameof(OrderCancelled))]
    [Covers(Parked, nameof(OrderSubmitted))]
    public async Task First_event_of_an_order_never_seen_parks_it_and_a_late_submission_is_held_back()
    {
        await using var s = await StartAsync();
        var paid = s.NewOrder();
        var shipped = s.NewOrder();
        var delivered = s.NewOrder();
        var cancelled = s.NewOrder();
        var submittedAgain = s.NewOrder();
        var submission = paid.Submitted();
        foreach (var order in new[] { shipped, delivered, cancelled, submittedAgain })
        {
            // Written by the API, never seen by the saga.
            order.Submitted();
        }

        await s.GivenAsync(paid.Paid(), shipped.Shipped(), delivered.Delivered(), cancelled.Cancelled(), submittedAgain.Submitted());

        (await s.ThenAsync(paid))
            .IsIn(Parked)
            .Has(x => x.LastSequence, 0)
            .Has(x => x.ExpectedSequence, 1)
            .Has(x => x.ReceivedSequence, 2)
            .Has(x => x.UserId, 42L)
            .Has(x => x.ParkedAt, s.Start)
            .HasNoTimeouts();
        (await s.ThenAsync(shipped)).IsIn(Parked).Has(x => x.ExpectedSequence, 1);
        (await s.ThenAsync(delivered)).IsIn(Parked).Has(x => x.ExpectedSequence, 1);
        (await s.ThenAsync(cancelled)).IsIn(Parked).Has(x => x.ExpectedSequence, 1);
        (await s.ThenAsync(submittedAgain)).IsIn(Parked).Has(x => x.ReceivedSequence, 2).HasNoTimeouts();

        await s.GivenAsync(submission);

        (await s.ThenAsync(paid)).IsIn(Parked).Has(x => x.LastSequence, 0).Has(x => x.SubmittedAt, null).HasNoTimeouts();
    }

    [Fact]
    [Covers(Parked, nameof(OrderPaid))]
    [Covers(Parked, nameof(OrderShipped))]
    [Covers(Parked, nameof(OrderDelivered))]
    [Covers(Parked, nameof(OrderCancelled))]
    public async Task Event_after_a_gap_parks_the_order_and_every_later_event_is_held_back()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();
        await s.GivenAsync(order.Submitted());
        var missing = order.Paid();

        await s.GivenAsync(order.Shipped());

        (await s.ThenAsync(order))
            .IsIn(Parked)
            .Has(x => x.LastSequence, 1)
            .Has(x => x.ExpectedSequence, 2)
            .Has(x => x.ReceivedSequence, 3)
            .HasNoTimeouts();

        await s.GivenAsync(order.Delivered(), missing, order.Cancelled());
        await s.AdvanceAsync(TwoDays);

        (await s.ThenAsync(order))
            .IsIn(Parked)
            .Has(x => x.LastSequence, 1)
            .Has(x => x.ReceivedSequence, 5)
            .Has(x => x.PaidAt, null)
            .HasNoTimeouts()
            .MadeNoApiCalls();
    }

    [Fact]
    [Covers(Initial, PaymentTimeout)]
    [Covers(Initial, ShipmentTimeout)]
    [Covers(AwaitingPayment, ShipmentTimeout)]
    [Covers(AwaitingShipment, PaymentTimeout)]
    [Covers(ShipmentOverdue, PaymentTimeout)]
    [Covers(ShipmentOverdue, ShipmentTimeout)]
    [Covers(InTransit, PaymentTimeout)]
    [Covers(InTransit, ShipmentTimeout)]
    [Covers(Completed, PaymentTimeout)]
    [Covers(Completed, ShipmentTimeout)]
    public async Task Timeouts_delivered_again_or_never_scheduled_change_nothing_through_an_orders_life()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();
        var unknown = s.NewOrder();
        await s.GivenTimeoutAsync(unknown, TimeoutKind.Payment, Guid.NewGuid());
        await s.GivenTimeoutAsync(unknown, TimeoutKind.Shipment, Guid.NewGuid());
        (await s.ThenAsync(unknown)).HasNoSaga().MadeNoApiCalls();

        await s.GivenAsync(order.Submitted());
        var payment = (await s.ThenAsync(order)).Saga.PaymentTimeoutTokenId!.Value;
        await StaleTimeoutsChangeNothingAsync(s, order, (TimeoutKind.Shipment, Guid.NewGuid()));
        await s.GivenAsync(order.Paid());
        var shipment = (await s.ThenAsync(order)).Saga.ShipmentTimeoutTokenId!.Value;
        await StaleTimeoutsChangeNothingAsync(s, order, (TimeoutKind.Payment, payment));

        await s.AdvanceAsync(TwoDays);
        (await s.ThenAsync(order)).IsIn(ShipmentOverdue);
        await StaleTimeoutsChangeNothingAsync(s, order, (TimeoutKind.Shipment, shipment), (TimeoutKind.Payment, payment));

        await s.GivenAsync(order.Shipped());
        await StaleTimeoutsChangeNothingAsync(s, order, (TimeoutKind.Shipment, shipment), (TimeoutKind.Payment, payment));

        await s.GivenAsync(order.Delivered());
        await StaleTimeoutsChangeNothingAsync(s, order, (TimeoutKind.Shipment, shipment), (TimeoutKind.Payment, payment));
        (await s.ThenAsync(order)).IsIn(Completed).MadeNoApiCalls();
    }

    [Fact]
    [Covers(AwaitingPayment, PaymentTimeout)]
    [Covers(Cancelled, PaymentTimeout)]
    [Covers(Cancelled, ShipmentTimeout)]
    [Covers(Parked, PaymentTimeout)]
    [Covers(Parked, ShipmentTimeout)]
    public async Task Payment_deadline_delivered_twice_asks_the_api_once_and_stale_timeouts_leave_cancelled_and_parked_orders_alone()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();
        var parked = s.NewOrder();
        await s.GivenAsync(order.Submitted(), parked.Submitted());
        var token = (await s.ThenAsync(order)).Saga.PaymentTimeoutTokenId!.Value;
        var parkedToken = (await s.ThenAsync(parked)).Saga.PaymentTimeoutTokenId!.Value;
        parked.Paid();
        await s.GivenAsync(parked.Shipped());
        await s.AdvanceAsync(FifteenMinutes);
        var cancellationRequested = (await s.ThenAsync(order)).AskedToCancel(OrderCancelled.PaymentTimeoutReason);

        // A node died after the saga committed but before it deleted the row: the clock delivers it again.
        await s.GivenTimeoutAsync(order, TimeoutKind.Payment, token);

        (await s.ThenAsync(order))
            .Has(x => x.UpdatedAt, cancellationRequested.Saga.UpdatedAt)
            .AskedToCancel(OrderCancelled.PaymentTimeoutReason);
        Assert.Single(s.Api.Calls, c => c.OrderId == order.Id);

        await s.GivenAsync(order.Latest);
        (await s.ThenAsync(order)).IsIn(Cancelled);
        await StaleTimeoutsChangeNothingAsync(s, order, (TimeoutKind.Payment, token), (TimeoutKind.Shipment, Guid.NewGuid()));

        (await s.ThenAsync(parked)).IsIn(Parked);
        await StaleTimeoutsChangeNothingAsync(s, parked, (TimeoutKind.Payment, parkedToken), (TimeoutKind.Shipment, Guid.NewGuid()));
        (await s.ThenAsync(parked)).MadeNoApiCalls();
    }

    [Fact]
    [Covers(AwaitingPayment, PaymentTimeout)]
    public async Task Payment_deadline_is_delivered_again_after_its_lease_while_the_api_is_down()
    {
        await using var s = await StartAsync();
        var order = s.NewOrder();
        await s.GivenAsync(order.Submitted());
        s.Api.FailNext(order, 2);

        await s.AdvanceAsync(FifteenMinutes);

        var lease = new Orders.Processor.Scheduling.SchedulingOptions().RetryInterval;
        var down = (await s.ThenAsync(order))
            .IsIn(AwaitingPayment)
            .Has(x => x.CancellationRequestedAt, null)
            .HasTimeouts(PendingTimeout.Payment(s.Start + FifteenMinutes + lease));
        Assert.Equal([503], down.ApiCalls.Select(c => c.Status));

        await s.AdvanceAsync(lease * 2);

        var up = (await s.ThenAsync(order))
            .Has(x => x.CancellationRequestedAt, s.Start + FifteenMinutes + lease * 2)
            .HasNoTimeouts();
        Assert.Equal([503, 200], up.ApiCalls.Select(c => c.Status));
        Assert.All(up.ApiCalls, c => Assert.Equal(Orders.Processor.OrdersApi.OrdersApiClient.IdempotencyKey(order.Id, "payment-timeout"), c.IdempotencyKey));
    }

    /// <summary>Timeouts the saga no longer waits for arrive: the row, its timeouts and the API calls stay as they were.</summary>
    private static async Task StaleTimeoutsChangeNothingAsync(
        FulfilmentScenario s, ScenarioOrder order, params (TimeoutKind Kind, Guid TokenId)[] timeouts)
    {
        var before = await s.ThenAsync(order);
        foreach (var (kind, tokenId) in timeouts)
        {
            await s.GivenTimeoutAsync(order, kind, tokenId);
        }

        var after = (await s.ThenAsync(order))
            .IsIn(before.Saga.CurrentState)
            .Has(x => x.LastSequence, before.Saga.LastSequence)
            .Has(x => x.UpdatedAt, before.Saga.UpdatedAt)
            .HasTimeouts([.. before.Timeouts]);
        Assert.Equal(before.ApiCalls, after.ApiCalls);
    }
}
