using System.Diagnostics.Metrics;
using Npgsql;
using Orders.ServiceDefaults.Telemetry;

namespace Orders.Processor.Backlog;

/// <summary>
/// Gauges of work the saga has not done yet, sampled from <c>fulfilment.scheduled_timeout</c> and
/// <c>fulfilment.order_state</c>: timeouts that are due and not delivered (count and age of the oldest) and parked
/// orders.
/// </summary>
internal sealed class FulfilmentBacklog : SampledGauges<FulfilmentBacklog.Sample>, IAsyncDisposable
{
    private const string SampleSql = """
        SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(due_at)), 0)::float8
        FROM fulfilment.scheduled_timeout WHERE due_at <= now();
        SELECT count(*) FROM fulfilment.order_state WHERE current_state = 'Parked';
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<FulfilmentBacklog> logger;

    public FulfilmentBacklog(NpgsqlDataSource dataSource, IMeterFactory meterFactory, ILogger<FulfilmentBacklog> logger)
    {
        this.dataSource = dataSource;
        this.logger = logger;
        var meter = meterFactory.Create(OrdersProcessorMetrics.MeterName);
        meter.CreateObservableGauge(
            "orders.fulfilment.timeouts.due", () => Observe(s => s.DueTimeouts), "{timeout}",
            "Timeouts past their deadline and not yet delivered (none is being delivered right now).");
        meter.CreateObservableGauge(
            "orders.fulfilment.timeouts.oldest_due_age", () => Observe(s => s.OldestDueAge), "s",
            "How long the longest-waiting due timeout has been due; 0 when none is.");
        meter.CreateObservableGauge(
            "orders.fulfilment.parked_orders", () => Observe(s => s.ParkedOrders), "{order}",
            "Orders parked because an earlier event is missing; each waits for an operator.");
    }

    protected override async Task<Sample> SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SampleSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var due = reader.GetInt64(0);
        var oldest = reader.GetDouble(1);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Sample(due, oldest, reader.GetInt64(0));
    }

    public async ValueTask DisposeAsync()
    {
        Dispose();
        await dataSource.DisposeAsync();
    }

    protected override void SampleFailed(NpgsqlException exception) => Log.BacklogSampleFailed(logger, exception);

    internal sealed record Sample(double DueTimeouts, double OldestDueAge, double ParkedOrders);
}
