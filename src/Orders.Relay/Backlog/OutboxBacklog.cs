using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Relay.Publishing;
using Orders.ServiceDefaults.Telemetry;

namespace Orders.Relay.Backlog;

/// <summary>
/// Gauges of what the relay has not published yet: outbox rows past its saved position and the age of the oldest of
/// them.
/// </summary>
internal sealed class OutboxBacklog : SampledGauges<OutboxBacklog.Sample>
{
    private const string SampleSql = """
        SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
        FROM public.outbox
        WHERE transaction_id > COALESCE((SELECT position FROM outbox_relay_position WHERE name = $1), -1)
        """;

    private readonly NpgsqlDataSource dataSource;
    private readonly IOptions<RelayOptions> options;
    private readonly ILogger<OutboxBacklog> logger;

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

    protected override async Task<Sample> SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SampleSql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.Value.Name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Sample(reader.GetInt64(0), reader.GetDouble(1));
    }

    protected override void SampleFailed(NpgsqlException exception) => Log.BacklogSampleFailed(logger, exception);

    internal sealed record Sample(double Rows, double OldestAge);
}
