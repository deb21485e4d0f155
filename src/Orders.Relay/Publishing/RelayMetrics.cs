using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orders.Relay.Publishing;

/// <summary>The relay's meter and ActivitySource, both <c>Orders.Relay</c>.</summary>
internal sealed class RelayMetrics
{
    public const string MeterName = "Orders.Relay";

    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Counter<long> rowsPublished;
    private readonly Counter<long> batches;
    private readonly Histogram<double> lag;

    public RelayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        rowsPublished = meter.CreateCounter<long>(
            "orders.relay.rows_published", "{row}", "Outbox rows acknowledged by Kafka.");
        batches = meter.CreateCounter<long>(
            "orders.relay.batches", "{batch}", "Batches acknowledged by Kafka and saved as the position.");
        lag = meter.CreateHistogram<double>(
            "orders.relay.lag", "s", "From the newest row's created_at to its batch's acknowledgement.");
    }

    public void BatchPublished(int rows, DateTime newestCreatedAt)
    {
        rowsPublished.Add(rows);
        batches.Add(1);
        lag.Record(Math.Max(0, (DateTime.UtcNow - newestCreatedAt).TotalSeconds));
    }
}
