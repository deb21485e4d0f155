using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Orders.ServiceDefaults.Telemetry;

/// <summary>
/// Gauges whose values come from a database query, sampled in the background every <see cref="SampleInterval"/>, so
/// they stay right while the deployable itself is stuck and a scrape never waits on a query. A failed sample reports
/// nothing until the next one succeeds: no value beats a stale one, and a gauge that stops reporting is what an alert
/// on absence catches.
/// </summary>
/// <typeparam name="TSample">One sample's values; the gauges read them through <see cref="Observe"/>.</typeparam>
public abstract class SampledGauges<TSample> : BackgroundService
    where TSample : class
{
    /// <summary>Often enough for an alert that fires within a minute; each round is a few small aggregate queries.</summary>
    protected static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(10);

    private TSample? last;

    /// <summary>Takes one sample.</summary>
    protected abstract Task<TSample> SampleAsync(CancellationToken cancellationToken);

    /// <summary>Logs a sample that failed.</summary>
    protected abstract void SampleFailed(NpgsqlException exception);

    /// <summary>The gauge's measurement from the last sample, or none when it failed or none was taken yet.</summary>
    protected IEnumerable<Measurement<double>> Observe(Func<TSample, double> value) =>
        Volatile.Read(ref last) is { } sample ? [new Measurement<double>(value(sample))] : [];

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
                    Volatile.Write(ref last, null);
                    SampleFailed(exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
