using System.Diagnostics.Metrics;
using Orders.Api.Orders;

namespace Orders.Api;

/// <summary>The API's instruments, on the meter <c>Orders.Api</c>.</summary>
public sealed class OrdersApiMetrics
{
    public const string MeterName = "Orders.Api";

    private readonly Counter<long> submitted;
    private readonly Counter<long> changed;
    private readonly Counter<long> outboxRowsWritten;
    private readonly Counter<long> refused;
    private readonly Counter<long> replayed;
    private readonly Counter<long> keysReused;

    public OrdersApiMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        submitted = meter.CreateCounter<long>("orders.submitted", "{order}", "Orders submitted.");
        changed = meter.CreateCounter<long>(
            "orders.status_changed", "{order}", "Status changes after submission, by the new status.");
        outboxRowsWritten = meter.CreateCounter<long>(
            "orders.outbox.rows_written", "{row}", "Outbox rows committed with an order change.");
        refused = meter.CreateCounter<long>(
            "orders.changes_refused", "{request}", "Status changes refused (409, or 422 for an amount), by change and reason.");
        replayed = meter.CreateCounter<long>(
            "orders.idempotent_replays", "{request}", "Requests answered from a stored Idempotency-Key response.");
        keysReused = meter.CreateCounter<long>(
            "orders.idempotency_keys_reused", "{request}", "Requests refused because their key was used with another request.");
    }

    internal void Submitted()
    {
        submitted.Add(1);
        outboxRowsWritten.Add(1);
    }

    internal void Changed(OrderStatus status)
    {
        changed.Add(1, new KeyValuePair<string, object?>("orders.status", status.ToString()));
        outboxRowsWritten.Add(1);
    }

    internal void Refused(string change, string reason) => refused.Add(
        1,
        new KeyValuePair<string, object?>("orders.change", change),
        new KeyValuePair<string, object?>("orders.reason", reason));

    internal void Replayed() => replayed.Add(1);

    internal void KeyReused() => keysReused.Add(1);
}
