using Npgsql;

namespace Orders.Relay.Outbox;

public static class OutboxDatabaseExtensions
{
    /// <summary>
    /// Registers the PostgreSQL data source on <c>ConnectionStrings:Orders</c>, the outbox reader and the listener for
    /// the outbox trigger's commit notifications.
    /// </summary>
    public static IHostApplicationBuilder AddOutboxDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Orders")
            ?? throw new InvalidOperationException("ConnectionStrings:Orders is not set.");

        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddSingleton<OutboxReader>();
        builder.Services.AddSingleton<OutboxCommitListener>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxCommitListener>());
        return builder;
    }
}
