using System.Diagnostics.Metrics;
using Npgsql;

namespace Orders.Processor.Backlog;

/// <summary>
/// Gauges of work the saga has not done yet, sampled from <c>fulfilment.scheduled_timeout</c> and
/// <c>fulfilment.order_state</c>: timeouts that are due and not delivered (count and age of the oldest) and parked
/// orders. Sampled in the background, so a scrape never waits on the database.
/// </summary>
internal sealed class FulfilmentBacklog : BackgroundService, IAsyncDisposable
{
    // Often enough for an alert that fires within a minute; each round is two small aggregate queries.
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(10);

    private const string SampleSql = """
        SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(due_at)), 0)::float8
        FROM fulfilment.scheduled_timeout WHERE due_at <= now();
        SELECT count(*) FROM fulfilment.order_state WHERE current_state = 'Parked';
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<FulfilmentBacklog> logger;
    private Sample? last;

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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SampleInterval);
        try
        {
            do
            {
                try
                {
                    Volatile.Write(ref last, await SampleAsync(stoppingToken));
                }
                catch (NpgsqlException exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // No value beats a stale one: a gauge that stops reporting is what an alert on absence catches.
                    Volatile.Write(ref last, null);
                    Log.BacklogSampleFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<Sample> SampleAsync(CancellationToken cancellationToken)
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

    private IEnumerable<Measurement<double>> Observe(Func<Sample, double> value) =>
        Volatile.Read(ref last) is { } sample ? [new Measurement<double>(value(sample))] : [];

    private sealed record Sample(double DueTimeouts, double OldestDueAge, double ParkedOrders);
}
