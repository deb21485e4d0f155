using Orders.Api.Orders;
using Orders.Contracts;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>The order's own rules, without HTTP or a database: which change each status allows, and what it writes.</summary>
public sealed class OrderTests
{
    private static readonly DateTimeOffset SubmittedAt = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ChangedAt = SubmittedAt.AddMinutes(5);

    /// <summary>Every status against every change, with the status the change leads to, or null when it is refused.</summary>
    public static TheoryData<OrderStatus, string, OrderStatus?> Transitions => new()
    {
        { OrderStatus.Submitted, "payment", OrderStatus.Paid },
        { OrderStatus.Submitted, "shipment", null },
        { OrderStatus.Submitted, "delivery", null },
        { OrderStatus.Submitted, "cancellation", OrderStatus.Cancelled },
        { OrderStatus.Paid, "payment", null },
        { OrderStatus.Paid, "shipment", OrderStatus.Shipped },
        { OrderStatus.Paid, "delivery", null },
        { OrderStatus.Paid, "cancellation", OrderStatus.Cancelled },
        { OrderStatus.Shipped, "payment", null },
        { OrderStatus.Shipped, "shipment", null },
        { OrderStatus.Shipped, "delivery", OrderStatus.Delivered },
        { OrderStatus.Shipped, "cancellation", null },
        { OrderStatus.Delivered, "payment", null },
        { OrderStatus.Delivered, "shipment", null },
        { OrderStatus.Delivered, "delivery", null },
        { OrderStatus.Delivered, "cancellation", null },
        { OrderStatus.Cancelled, "payment", null },
        { OrderStatus.Cancelled, "shipment", null },
        { OrderStatus.Cancelled, "delivery", null },
        { OrderStatus.Cancelled, "cancellation", null },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public void A_change_moves_the_order_on_only_from_the_statuses_it_allows(OrderStatus from, string change, OrderStatus? to)
    {
        var order = OrderIn(from);
        var sequence = order.Sequence;
        var updatedAt = order.UpdatedAt;

        var outcome = Apply(order, change, ChangedAt);

        if (to is { } expected)
        {
            Assert.Null(outcome.Refusal);
            Assert.Equal((expected, sequence + 1, ChangedAt), (order.Status, order.Sequence, order.UpdatedAt));
            Assert.Equal((order.Id, order.UserId, order.Sequence, ChangedAt),
                (outcome.Event!.OrderId, outcome.Event.UserId, outcome.Event.Sequence, outcome.Event.OccurredAt));
        }
        else
        {
            Assert.Null(outcome.Event);
            var refusal = Assert.IsType<OrderRefusal.StatusForbids>(outcome.Refusal);
            Assert.Equal(from, refusal.Current);
            Assert.DoesNotContain(from, refusal.AllowedFrom);
            Assert.Equal((from, sequence, updatedAt), (order.Status, order.Sequence, order.UpdatedAt));
        }
    }

    [Fact]
    public void Submission_starts_at_sequence_1_and_its_event_carries_the_lines_and_total()
    {
        OrderLine[] lines = [new() { Sku = "A", Quantity = 2, UnitPrice = 12.50m }, new() { Sku = "B", Quantity = 1, UnitPrice = 5.25m }];

        var (order, submitted) = Order.Submit(Guid.NewGuid(), 7, "EUR", lines, SubmittedAt);

        Assert.Equal((OrderStatus.Submitted, 1, 30.25m, SubmittedAt, SubmittedAt),
            (order.Status, order.Sequence, order.Total, order.CreatedAt, order.UpdatedAt));
        Assert.Equal((order.Id, 7L, 1, "EUR", 30.25m, SubmittedAt),
            (submitted.OrderId, submitted.UserId, submitted.Sequence, submitted.Currency, submitted.Total, submitted.OccurredAt));
        Assert.Equal(lines, submitted.Lines);
    }

    [Fact]
    public void Payment_records_amount_and_reference_in_the_order_and_its_event()
    {
        var order = OrderIn(OrderStatus.Submitted);

        var paid = Assert.IsType<OrderPaid>(order.Pay(order.Total, "psp-1", ChangedAt).Event);

        Assert.Equal((order.Total, "psp-1", ChangedAt), (order.PaidAmount, order.PaymentReference, order.PaidAt));
        Assert.Equal((order.Total, "EUR", "psp-1"), (paid.Amount, paid.Currency, paid.Reference));
    }

    [Fact]
    public void Payment_of_another_amount_than_the_total_is_refused_and_changes_nothing()
    {
        var order = OrderIn(OrderStatus.Submitted);

        var outcome = order.Pay(order.Total - 0.01m, "psp-1", ChangedAt);

        Assert.Equal(new OrderRefusal.AmountMismatch(order.Total - 0.01m, order.Total, "EUR"), outcome.Refusal);
        Assert.Equal((OrderStatus.Submitted, 1, null), (order.Status, order.Sequence, order.PaidAt));
    }

    [Fact]
    public void Shipment_records_carrier_and_tracking_number_in_the_order_and_its_event()
    {
        var order = OrderIn(OrderStatus.Paid);

        var shipped = Assert.IsType<OrderShipped>(order.Ship("DHL", "JD01", ChangedAt).Event);

        Assert.Equal(("DHL", "JD01", ChangedAt), (order.Carrier, order.TrackingNumber, order.ShippedAt));
        Assert.Equal(("DHL", "JD01"), (shipped.Carrier, shipped.TrackingNumber));
    }

    [Fact]
    public void Delivery_records_its_time()
    {
        var order = OrderIn(OrderStatus.Shipped);

        Assert.IsType<OrderDelivered>(order.Deliver(ChangedAt).Event);

        Assert.Equal(ChangedAt, order.DeliveredAt);
    }

    [Fact]
    public void Cancellation_records_its_reason_in_the_order_and_its_event()
    {
        var order = OrderIn(OrderStatus.Paid);

        var cancelled = Assert.IsType<OrderCancelled>(order.Cancel("payment-timeout", ChangedAt).Event);

        Assert.Equal(("payment-timeout", ChangedAt), (order.CancellationReason, order.CancelledAt));
        Assert.Equal("payment-timeout", cancelled.Reason);
    }

    private static OrderChangeOutcome Apply(Order order, string change, DateTimeOffset at) => change switch
    {
        "payment" => order.Pay(order.Total, "psp-1", at),
        "shipment" => order.Ship("DHL", "JD01", at),
        "delivery" => order.Deliver(at),
        "cancellation" => order.Cancel("changed my mind", at),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown change."),
    };

    /// <summary>An order brought to the status through the changes that lead there, made before <see cref="ChangedAt"/>.</summary>
    private static Order OrderIn(OrderStatus status)
    {
        var (order, _) = Order.Submit(
            Guid.NewGuid(), 7, "EUR", [new OrderLine { Sku = "A", Quantity = 1, UnitPrice = 10.00m }], SubmittedAt);
        var path = status switch
        {
            OrderStatus.Submitted => [],
            OrderStatus.Paid => ["payment"],
            OrderStatus.Shipped => ["payment", "shipment"],
            OrderStatus.Delivered => ["payment", "shipment", "delivery"],
            OrderStatus.Cancelled => new[] { "cancellation" },
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown status."),
        };
        foreach (var change in path)
        {
            Assert.Null(Apply(order, change, SubmittedAt.AddMinutes(1)).Refusal);
        }

        return order;
    }
}
