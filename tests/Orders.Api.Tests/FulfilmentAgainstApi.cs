using System.Text.Json;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orders.Contracts;
using Orders.Processor.Data;
using Orders.Processor.Fulfilment;
using Orders.Processor.OrdersApi;
using Orders.SystemHost;

namespace Orders.Api.Tests;

/// <summary>
/// The processor's fulfilment saga as deployed (AddFulfilment), on the API's database and calling this in-memory API,
/// fed by hand: the test decides which outbox rows the saga has applied when a timeout is delivered.
/// </summary>
public sealed class FulfilmentAgainstApi : IAsyncDisposable
{
    private readonly IHost host;
    private readonly CommittedRows database;

    private FulfilmentAgainstApi(IHost host, CommittedRows database)
    {
        this.host = host;
        this.database = database;
    }

    public static async Task<FulfilmentAgainstApi> StartAsync(OrdersApiFactory api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        var logins = OrdersDatabase.Of(api.ConnectionString);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Orders"] = logins.Processor,
            ["ConnectionStrings:OrdersMigrations"] = logins.Owner,
            ["Database:MigrateOnStartup"] = "true",
            ["Fulfilment:PaymentTimeout"] = TimeSpan.FromHours(1).ToString(),
            ["Fulfilment:ShipmentTimeout"] = TimeSpan.FromHours(1).ToString(),
            ["OrdersApi:BaseAddress"] = "http://localhost/",
            // The processor signs its own token (scope orders.cancel.payment-timeout) with the key this API trusts.
            ["OrdersApi:Token:DevelopmentSigningKey"] = api.Tokens.SigningKey,
        });
        builder.Logging.ClearProviders();
        builder.AddFulfilment();
        builder.Services.AddHttpClient<OrdersApiClient>().ConfigurePrimaryHttpMessageHandler(() => api.Server.CreateHandler());

        var host = builder.Build();
        LogContext.ConfigureCurrentLogContext(host.Services.GetRequiredService<ILoggerFactory>());
        await host.StartAsync();
        return new FulfilmentAgainstApi(host, new CommittedRows(api.ConnectionString));
    }

    /// <summary>Applies the order's outbox row of this sequence, exactly as written, as the Kafka bridge would.</summary>
    public async Task ApplyAsync(Guid orderId, int sequence)
    {
        var row = (await database.OutboxAsync(orderId)).Single(r => r.Payload.GetProperty("sequence").GetInt32() == sequence);
        var orderEvent = (IOrderEvent)row.Payload.Deserialize(OrderEventTypes.ByName[row.Type], OrderEventTypes.JsonOptions)!;
        await host.Services.GetRequiredService<IMediator>().Send(orderEvent, orderEvent.GetType());
    }

    /// <summary>Delivers the order's pending payment timeout now, as the timeout clock does once it is due.</summary>
    public async Task DeliverPaymentTimeoutAsync(Guid orderId)
    {
        var token = (await LoadAsync(orderId)).PaymentTimeoutTokenId
            ?? throw new InvalidOperationException($"Order {orderId} has no pending payment timeout.");
        await host.Services.GetRequiredService<IMediator>().Send(
            new PaymentTimedOut { OrderId = orderId },
            Pipe.Execute<SendContext>(c => c.Headers.Set(MessageHeaders.SchedulingTokenId, token.ToString("D"))));
    }

    public async Task<OrderFulfilmentState> LoadAsync(Guid orderId)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FulfilmentDbContext>().Orders.AsNoTracking()
            .SingleAsync(o => o.CorrelationId == orderId);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
