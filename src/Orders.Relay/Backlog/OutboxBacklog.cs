using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Relay.Publishing;

namespace Orders.Relay.Backlog;

/// <summary>
/// Gauges of what the relay has not published yet: outbox rows past its saved position and the age of the oldest of
/// them. Sampled in the background from the database, so they stay right while the relay itself is stuck, and a
/// scrape never waits on a query.
/// </summary>
internal sealed class OutboxBacklog : BackgroundService
{
    // Often enough for an alert that fires within a minute; one indexed range count per round.
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(10);

    private const string SampleSql = """
        SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
        FROM public.outbox
        WHERE transaction_id > COALESCE((SELECT position FROM outbox_relay_position WHERE name = $1), -1)
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly IOptions<RelayOptions> options;
    private readonly ILogger<OutboxBacklog> logger;
    private Sample? last;

    public OutboxBacklog(
        NpgsqlDataSource dataSource, IOptions<RelayOptions> options, IMeterFactory meterFactory, ILogger<OutboxBacklog> logger)
    {
        this.dataSource = dataSource;
        this.options = options;
        this.logger = logger;
        var meter = meterFactory.Create(RelayMetrics.MeterName);
        meter.CreateObservableGauge(
            "orders.outbox.backlog", () => Observe(s => s.Rows), "{row}",
            "Committed outbox rows past the relay's saved position: written, not yet acknowledged by Kafka.");
        meter.CreateObservableGauge(
            "orders.outbox.oldest_unpublished_age", () => Observe(s => s.OldestAge), "s",
            "Age of the oldest outbox row not yet published; 0 when none waits.");
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
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.Value.Name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Sample(reader.GetInt64(0), reader.GetDouble(1));
    }

    private IEnumerable<Measurement<double>> Observe(Func<Sample, double> value) =>
        Volatile.Read(ref last) is { } sample ? [new Measurement<double>(value(sample))] : [];

    private sealed record Sample(double Rows, double OldestAge);
}
