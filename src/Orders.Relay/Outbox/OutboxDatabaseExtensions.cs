using Npgsql;
using Orders.ServiceDefaults.Data;
using Orders.ServiceDefaults.Health;

namespace Orders.Relay.Outbox;

public static class OutboxDatabaseExtensions
{
    /// <summary>
    /// Registers the PostgreSQL data source on <c>ConnectionStrings:Orders</c>, the outbox reader, the listener for
    /// the outbox trigger's commit notifications, and the database's readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddOutboxDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.OrdersConnectionString();

        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddSingleton<OutboxReader>();
        builder.Services.AddSingleton<OutboxCommitListener>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxCommitListener>());
        builder.AddDatabaseHealthCheck(connectionString);
        return builder;
    }
}
