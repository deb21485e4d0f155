using Microsoft.Extensions.Options;
using Orders.Relay.Lease;

namespace Orders.Relay.Publishing;

public static class RelayExtensions
{
    /// <summary>
    /// Registers the relay loop with its <see cref="RelayOptions"/> (section <c>Relay</c>, validated at start), its
    /// meter <c>Orders.Relay</c> and its publishing lease (<see cref="RelayLease"/>, a singleton health checks can read). Needs <see cref="Outbox.OutboxDatabaseExtensions.AddOutboxDatabase"/> and
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
        return builder;
    }
}
