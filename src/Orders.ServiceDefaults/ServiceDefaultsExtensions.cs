using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orders.ServiceDefaults.Health;
using Orders.ServiceDefaults.Secrets;
using Orders.ServiceDefaults.Telemetry;

namespace Orders.ServiceDefaults;

/// <summary>What every Orders deployable (API, relay, processor) wires the same way: telemetry and health.</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Adds OpenTelemetry traces, metrics and logs for <paramref name="serviceName"/> (its own ActivitySource and Meter
    /// carry that name; see <see cref="TelemetryOptions"/> for the OTLP exporter) and the health-check service that
    /// <see cref="MapServiceDefaults"/> exposes. Each deployable's own <c>Add…</c> methods add their checks, tagged
    /// <see cref="HealthTags.Ready"/>. In Production, throws if a database login has no password or any password or
    /// secret in the configuration is empty or an example value (<c>change-me…</c>).
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Environment.IsProduction())
        {
            ProductionSecrets.Check(builder.Configuration);
        }

        builder.AddOrdersTelemetry(serviceName);
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>
    /// Maps <c>/health/live</c> (the process answers; runs no check, so an outage of a dependency does not get the
    /// process restarted), <c>/health/ready</c> (every check tagged <see cref="HealthTags.Ready"/>) and <c>/metrics</c>
    /// (Prometheus text format). All three are open to callers without a token and exempt from request limits: probes
    /// and scrapers must reach a process that refuses everything else.
    /// </summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous()
            .DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) })
            .AllowAnonymous()
            .DisableRateLimiting();
        app.MapPrometheusScrapingEndpoint("/metrics")
            .AllowAnonymous()
            .DisableRateLimiting();
        return app;
    }
}
