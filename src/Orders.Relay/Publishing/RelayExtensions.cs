using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orders.Relay.Backlog;
using Orders.Relay.Health;
using Orders.Relay.Lease;
using Orders.ServiceDefaults.Health;

namespace Orders.Relay.Publishing;

public static class RelayExtensions
{
    /// <summary>
    /// Registers the relay loop with its <see cref="RelayOptions"/> (section <c>Relay</c>, validated at start), its
    /// meter <c>Orders.Relay</c> (with the backlog gauges <c>orders.outbox.backlog</c> and
    /// <c>orders.outbox.oldest_unpublished_age</c>), its publishing lease (<see cref="RelayLease"/>) and its readiness
    /// check (the lease's state and rounds that keep finishing). Needs <see cref="Outbox.OutboxDatabaseExtensions.AddOutboxDatabase"/> and
    /// <see cref="KafkaProducerExtensions.AddKafkaProducer"/>.
    /// </summary>
    public static IHostApplicationBuilder AddOutboxRelay(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RelayOptions>()
            .Bind(builder.Configuration.GetSection(RelayOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Topic), "Relay:Topic must be set.")
            .Validate(o => o.BatchSize is > 0 and <= 100_000, "Relay:BatchSize must be between 1 and 100000.")
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Relay:PollInterval must be positive.")
            .Validate(o => o.IdlePollInterval >= o.PollInterval, "Relay:IdlePollInterval must be at least Relay:PollInterval.")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromMilliseconds(500), "Relay:LeaseDuration must be at least 500 ms.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Name), "Relay:Name must be set.")
            .Validate(o => o.MaxRetryDelay > TimeSpan.Zero, "Relay:MaxRetryDelay must be positive.")
            .ValidateOnStart();

        builder.Services.AddMetrics();
        builder.Services.AddSingleton<RelayMetrics>();
        builder.Services.AddSingleton<OutboxPublisher>();
        builder.Services.AddSingleton(services =>
            new RelayLease(services.GetRequiredService<IOptions<RelayOptions>>().Value.LeaseDuration));
        builder.Services.AddSingleton<RelayLeaseStore>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<OutboxBacklog>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RelayProgress>();
        builder.Services.AddHealthChecks().AddCheck<RelayHealthCheck>("relay", tags: [HealthTags.Ready]);
        return builder;
    }
}
