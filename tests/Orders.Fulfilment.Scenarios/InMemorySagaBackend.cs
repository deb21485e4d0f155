using System.Reflection;
using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orders.Contracts;
using Orders.Processor.Fulfilment;
using Orders.Processor.OrdersApi;
using Orders.Processor.Scheduling;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// The state machine alone, behind MassTransit's mediator as in production, with MassTransit's in-memory saga
/// repository and a <see cref="VirtualTimeoutTable"/>. A message that fails leaves the saga and the timeouts as they
/// were, as a rolled-back transaction does; a timeout whose delivery failed is leased like the real clock leases it.
/// </summary>
public sealed class InMemorySagaBackend : ISagaBackend, IAsyncDisposable
{
    private static readonly PropertyInfo[] SagaProperties =
        [.. typeof(OrderFulfilmentState).GetProperties().Where(p => p.CanRead && p.CanWrite)];

    private readonly ServiceProvider services;
    private readonly VirtualTimeoutTable timeouts;
    private readonly IMediator mediator;
    private readonly ILoadSagaRepository<OrderFulfilmentState> sagas;
    private readonly TimeSpan lease = new SchedulingOptions().RetryInterval;

    private InMemorySagaBackend(ServiceProvider services, VirtualTimeoutTable timeouts, FakeTimeProvider clock, ScenarioOrdersApi api)
    {
        this.services = services;
        this.timeouts = timeouts;
        Clock = clock;
        Api = api;
        mediator = services.GetRequiredService<IMediator>();
        sagas = services.GetRequiredService<ILoadSagaRepository<OrderFulfilmentState>>();
    }

    public string Name => "in-memory";

    public FakeTimeProvider Clock { get; }

    public ScenarioOrdersApi Api { get; }

    /// <param name="clock">The time source of the saga and of the virtual timeout table.</param>
    /// <param name="settings">Fulfilment settings by key (<c>Fulfilment:PaymentTimeout</c>...); production defaults otherwise.</param>
    /// <param name="logging">Where the saga's log lines go (the replay command prints them); none by default.</param>
    public static InMemorySagaBackend Start(
        FakeTimeProvider clock, IReadOnlyDictionary<string, string?>? settings = null, Action<ILoggingBuilder>? logging = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var api = new ScenarioOrdersApi();
        var timeouts = new VirtualTimeoutTable();
        var services = new ServiceCollection()
            .AddLogging(logging ?? (_ => { }))
            .AddMetrics()
            .AddKeyedSingleton<TimeProvider>(FulfilmentExtensions.ClockKey, clock)
            .AddFulfilmentSaga(configuration);
        services.AddMemoryCache();
        services.AddHttpClient<OrdersApiClient>(http => http.BaseAddress = new Uri("http://orders-api.scenario/"))
            .ConfigurePrimaryHttpMessageHandler(api.CreateHandler);
        services.AddMediator(m => m
            .AddSagaStateMachine<OrderFulfilmentStateMachine, OrderFulfilmentState>((_, saga) =>
                saga.UseFilter(new VirtualTimeoutSchedulerFilter<OrderFulfilmentState>(timeouts)))
            .InMemoryRepository());
        return new InMemorySagaBackend(services.BuildServiceProvider(validateScopes: true), timeouts, clock, api);
    }

    public async Task DeliverAsync(IReadOnlyList<IOrderEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var orderEvent in events)
        {
            await SendAsync(orderEvent.OrderId, orderEvent, orderEvent.GetType(), Pipe.Empty<SendContext>());
        }
    }

    public Task<DateTimeOffset?> NextDueAsync(DateTimeOffset until) =>
        Task.FromResult(timeouts.Rows.Where(t => t.DueAt <= until).Select(t => (DateTimeOffset?)t.DueAt).Min());

    public async Task DeliverDueTimeoutsAsync()
    {
        var now = Clock.GetUtcNow();
        foreach (var timeout in timeouts.Rows.Where(t => t.DueAt <= now).OrderBy(t => t.DueAt).ToList())
        {
            timeouts.Lease(timeout.TokenId, now + lease);
            try
            {
                await SendAsync(timeout.CorrelationId, timeout.Message, timeout.MessageType, TokenHeader(timeout.TokenId));
                timeouts.Delete(timeout.TokenId);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // As the clock does: the row stays, leased, and is delivered again once the lease ends.
            }
        }
    }

    public Task DeliverTimeoutAsync(object message, Guid tokenId)
    {
        ArgumentNullException.ThrowIfNull(message);
        return SendAsync(CorrelationOf(message), message, message.GetType(), TokenHeader(tokenId));
    }

    public async Task<OrderFulfilmentState?> LoadAsync(Guid orderId) =>
        await sagas.Load(orderId) is { } saga ? Copy(saga, new OrderFulfilmentState()) : null;

    public Task<IReadOnlyList<PendingTimeout>> TimeoutsAsync(Guid orderId) =>
        Task.FromResult<IReadOnlyList<PendingTimeout>>(
            [.. timeouts.Rows.Where(t => t.CorrelationId == orderId).OrderBy(t => t.DueAt).Select(t => new PendingTimeout(t.MessageType.Name, t.DueAt))]);

    public ValueTask DisposeAsync() => services.DisposeAsync();

    private async Task SendAsync(Guid orderId, object message, Type messageType, IPipe<SendContext> pipe)
    {
        var live = await sagas.Load(orderId);
        var before = live is null ? null : Copy(live, new OrderFulfilmentState());
        try
        {
            await mediator.Send(message, messageType, pipe);
            timeouts.Commit();
        }
        catch
        {
            timeouts.Rollback();
            if (live is not null && before is not null)
            {
                Copy(before, live);
            }

            throw;
        }
    }

    private static IPipe<SendContext> TokenHeader(Guid tokenId) =>
        Pipe.Execute<SendContext>(c => c.Headers.Set(MessageHeaders.SchedulingTokenId, tokenId.ToString("D")));

    private static Guid CorrelationOf(object message) => message switch
    {
        PaymentTimedOut timeout => timeout.OrderId,
        ShipmentTimedOut timeout => timeout.OrderId,
        _ => throw new ArgumentException($"{message.GetType().Name} is not a fulfilment timeout.", nameof(message)),
    };

    private static OrderFulfilmentState Copy(OrderFulfilmentState from, OrderFulfilmentState to)
    {
        foreach (var property in SagaProperties)
        {
            property.SetValue(to, property.GetValue(from));
        }

        return to;
    }
}
