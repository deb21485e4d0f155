using MassTransit.Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orders.Contracts;
using Orders.Processor.Data;
using Orders.Processor.Fulfilment;
using Orders.Processor.OrdersApi;
using Orders.Testing;

namespace Orders.Processor.Tests;

/// <summary>
/// The fulfilment saga as deployed, without Kafka (AddFulfilment: real saga repository, timeout table, Quartz clock,
/// migrations) on a test database, with short timeouts, a fast clock, a short retry lease and a fake Orders API.
/// </summary>
internal sealed class FulfilmentHost : IAsyncDisposable
{
    private readonly StartedHost host;

    private FulfilmentHost(StartedHost host, string connectionString)
    {
        this.host = host;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public IServiceProvider Services => host.Services;

    public IMediator Mediator => host.Services.GetRequiredService<IMediator>();

    public static async Task<FulfilmentHost> StartAsync(
        string connectionString,
        FakeOrdersApi api,
        TimeSpan? paymentTimeout = null,
        TimeSpan? shipmentTimeout = null,
        Action<IDictionary<string, string?>>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        var settings = ProcessorTestSettings.Fulfilment(connectionString, paymentTimeout, shipmentTimeout);
        configure?.Invoke(settings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.AddFulfilment();
        builder.Services.AddHttpClient<OrdersApiClient>().ConfigurePrimaryHttpMessageHandler(api.CreateHandler);

        var host = builder.Build();
        // MassTransit keeps its log context in a static; a second host in the same process (a restart, a cluster node)
        // must not inherit the first one's, which is disposed with it.
        MassTransit.LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        return new FulfilmentHost(await StartedHost.StartAsync(host), connectionString);
    }

    /// <summary>Exactly what the Kafka bridge does with a decoded record.</summary>
    public Task SendAsync(IOrderEvent orderEvent) => Mediator.Send(orderEvent, orderEvent.GetType());

    public async Task<OrderFulfilmentState?> LoadAsync(Guid orderId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FulfilmentDbContext>();
        return await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.CorrelationId == orderId);
    }

    public Task StopAsync() => host.StopAsync();

    public ValueTask DisposeAsync() => host.DisposeAsync();
}

/// <summary>Direct reads of the fulfilment schema, as an operator would run them.</summary>
internal static class FulfilmentSql
{
    public static async Task<long> ScalarAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        // A statement without a result row answers with the number of rows it changed.
        if (!sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            return await command.ExecuteNonQueryAsync();
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The first insert or update of the order's row raises; a sequence counts, because it ignores rollbacks.</summary>
    public static Task<long> FailFirstWriteOfAsync(string database, Guid order) =>
        ScalarAsync(database, $$"""
            CREATE SEQUENCE fulfilment.test_writes;
            GRANT USAGE ON SEQUENCE fulfilment.test_writes TO orders_processor;
            CREATE FUNCTION fulfilment.test_fail_first_write() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.correlation_id = '{{order}}' THEN
                    IF nextval('fulfilment.test_writes') = 1 THEN
                        RAISE EXCEPTION 'test: first write fails';
                    END IF;
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_fail_first_write BEFORE INSERT OR UPDATE ON fulfilment.order_state
                FOR EACH ROW EXECUTE FUNCTION fulfilment.test_fail_first_write();
            """);

    /// <summary>Pending timeouts (rows of <c>fulfilment.scheduled_timeout</c>).</summary>
    public static Task<long> TimeoutJobsAsync(string connectionString) =>
        ScalarAsync(connectionString, "SELECT count(*) FROM fulfilment.scheduled_timeout");

    /// <summary>1 when the timeout with this token id is pending, else 0.</summary>
    public static Task<long> JobExistsAsync(string connectionString, Guid? tokenId) =>
        tokenId is null
            ? Task.FromResult(0L)
            : ScalarAsync(connectionString, "SELECT count(*) FROM fulfilment.scheduled_timeout WHERE token_id = @token",
                ("token", tokenId.Value));

    /// <summary>Delivery attempts of a pending timeout, or -1 when it is gone.</summary>
    public static Task<long> AttemptsAsync(string connectionString, Guid tokenId) =>
        ScalarAsync(connectionString, "SELECT coalesce(max(attempts), -1) FROM fulfilment.scheduled_timeout WHERE token_id = @token",
            ("token", tokenId));

    public static Task<long> XminAsync(string connectionString, Guid orderId) =>
        ScalarAsync(connectionString, "SELECT xmin::text::bigint FROM fulfilment.order_state WHERE correlation_id = @id", ("id", orderId));
}
