using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orders.ServiceDefaults.Health;

public static class HealthCheckExtensions
{
    /// <summary>
    /// Adds the readiness check <c>kafka</c>: a metadata request to the cluster that <paramref name="connection"/>
    /// names (its bootstrap servers and security settings; other client settings are ignored).
    /// </summary>
    public static IHostApplicationBuilder AddKafkaHealthCheck(this IHostApplicationBuilder builder, ClientConfig connection)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(services =>
            new KafkaHealthCheck(connection, services.GetRequiredService<ILogger<KafkaHealthCheck>>()));
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: [HealthTags.Ready]);
        return builder;
    }

    /// <summary>Adds the readiness check <c>database</c>: <c>SELECT 1</c> on <paramref name="connectionString"/>.</summary>
    public static IHostApplicationBuilder AddDatabaseHealthCheck(this IHostApplicationBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddNpgSql(connectionString, name: "database", tags: [HealthTags.Ready]);
        return builder;
    }
}
