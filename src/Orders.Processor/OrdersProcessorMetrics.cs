using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orders.Processor;

/// <summary>The processor's instruments, on the one <c>Orders.Processor</c> meter, and its ActivitySource of that name.</summary>
public sealed class OrdersProcessorMetrics
{
    public const string MeterName = "Orders.Processor";

    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Counter<long> applied;
    private readonly Counter<long> duplicates;
    private readonly Counter<long> parked;
    private readonly Counter<long> timedOut;
    private readonly Counter<long> refundsRequired;
    private readonly Counter<long> timeoutsDelivered;
    private readonly Counter<long> timeoutsFailed;
    private readonly Counter<long> timeoutsDead;
    private readonly Histogram<double> timeoutLateness;
    private readonly Gauge<int> timeoutDeliveryConcurrency;

    public OrdersProcessorMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        applied = meter.CreateCounter<long>("orders.fulfilment.applied", "{event}", "Order events applied to the saga.");
        duplicates = meter.CreateCounter<long>(
            "orders.fulfilment.duplicates", "{event}", "Order events already applied, dropped without effect.");
        parked = meter.CreateCounter<long>(
            "orders.fulfilment.parked", "{event}", "Order events held back because an earlier event of the order is missing.");
        timedOut = meter.CreateCounter<long>("orders.fulfilment.timed_out", "{timeout}", "Payment and shipment deadlines that passed.");
        refundsRequired = meter.CreateCounter<long>(
            "orders.fulfilment.refunds_required", "{order}", "Payments received for orders that no longer take them.");
        timeoutsDelivered = meter.CreateCounter<long>(
            "orders.fulfilment.timeouts.delivered", "{timeout}", "Due timeouts delivered to the saga (stale ones included).");
        timeoutsFailed = meter.CreateCounter<long>(
            "orders.fulfilment.timeouts.failed", "{timeout}", "Timeout deliveries that failed and are retried after the lease.");
        timeoutsDead = meter.CreateCounter<long>(
            "orders.fulfilment.timeouts.dead", "{timeout}", "Timeouts given up after their delivery attempts, kept in fulfilment.dead_timeout.");
        timeoutLateness = meter.CreateHistogram<double>(
            "orders.fulfilment.timeouts.lateness", "s", "How long after its deadline a timeout's first delivery started.");
        timeoutDeliveryConcurrency = meter.CreateGauge<int>(
            "orders.fulfilment.timeouts.delivery_concurrency", "{timeout}",
            "Deadlines a firing of this node delivers at once; lowered while the Orders API refuses for load.");
    }

    public void Applied(string eventType) => applied.Add(1, new KeyValuePair<string, object?>("event", eventType));

    public void Duplicate(string eventType) => duplicates.Add(1, new KeyValuePair<string, object?>("event", eventType));

    public void Parked(string eventType) => parked.Add(1, new KeyValuePair<string, object?>("event", eventType));

    public void TimedOut(string timeout) => timedOut.Add(1, new KeyValuePair<string, object?>("timeout", timeout));

    public void RefundRequired() => refundsRequired.Add(1);

    public void TimeoutDelivered() => timeoutsDelivered.Add(1);

    public void TimeoutFailed() => timeoutsFailed.Add(1);

    public void TimeoutDead() => timeoutsDead.Add(1);

    public void TimeoutDeliveryConcurrency(int deliveries) => timeoutDeliveryConcurrency.Record(deliveries);

    public void TimeoutLateness(TimeSpan lateness) => timeoutLateness.Record(lateness.TotalSeconds);
}
