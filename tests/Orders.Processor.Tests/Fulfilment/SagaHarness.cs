using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orders.Processor.Fulfilment;
using Orders.Processor.OrdersApi;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>
/// A fresh MassTransit in-memory test harness with the fulfilment state machine, the in-memory saga repository and the
/// transport's delayed scheduler, plus a fake Orders API behind the real typed client.
/// </summary>
internal sealed class SagaHarness : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private SagaHarness(ServiceProvider provider, FakeOrdersApi api)
    {
        this.provider = provider;
        Api = api;
        Harness = provider.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<OrderFulfilmentStateMachine, OrderFulfilmentState>();
        Machine = provider.GetRequiredService<OrderFulfilmentStateMachine>();
    }

    public ITestHarness Harness { get; }

    public ISagaStateMachineTestHarness<OrderFulfilmentStateMachine, OrderFulfilmentState> Saga { get; }

    public OrderFulfilmentStateMachine Machine { get; }

    public FakeOrdersApi Api { get; }

    public static async Task<SagaHarness> StartAsync(TimeSpan? paymentTimeout = null, TimeSpan? shipmentTimeout = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fulfilment:PaymentTimeout"] = (paymentTimeout ?? TimeSpan.FromHours(1)).ToString(),
            ["Fulfilment:ShipmentTimeout"] = (shipmentTimeout ?? TimeSpan.FromHours(1)).ToString(),
        }).Build();
        var api = new FakeOrdersApi();

        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddFulfilmentSaga(configuration);
        services.AddHttpClient<OrdersApiClient>(http => http.BaseAddress = new Uri("http://orders-api/"))
            .ConfigurePrimaryHttpMessageHandler(api.CreateHandler);
        services.AddMassTransitTestHarness(x =>
        {
            x.AddSagaStateMachine<OrderFulfilmentStateMachine, OrderFulfilmentState>().InMemoryRepository();
            x.AddDelayedMessageScheduler();
            x.UsingInMemory((context, cfg) =>
            {
                cfg.UseDelayedMessageScheduler();
                cfg.ConfigureEndpoints(context);
            });
        });

        // The harness gives up on a wait after this long without bus activity; its 1.2 s default is shorter than a
        // scheduled timeout can take to come round on a loaded CI machine.
        services.AddOptions<TestHarnessOptions>().Configure(o => o.TestInactivityTimeout = TimeSpan.FromSeconds(10));

        var provider = services.BuildServiceProvider(validateScopes: true);
        var harness = new SagaHarness(provider, api);
        await harness.Harness.Start();
        return harness;
    }

    public Task Publish<T>(T message)
        where T : class =>
        Harness.Bus.Publish(message);

    /// <summary>Waits until the saga consumed the n-th message of a type (so its effect, if any, is in place).</summary>
    public Task<bool> Consumed<T>(Func<T, bool> filter)
        where T : class =>
        Saga.Consumed.Any<T>(m => filter(m.Context.Message));

    public OrderFulfilmentState Instance(Guid orderId) =>
        Saga.Sagas.Contains(orderId) ?? throw new InvalidOperationException($"No saga for {orderId}.");

    public async Task InState(Guid orderId, Func<OrderFulfilmentStateMachine, MassTransit.State> state)
    {
        if ((await Saga.Exists(orderId, state)).HasValue)
        {
            return;
        }

        var faults = Harness.Published.Select<Fault>()
            .SelectMany(f => ((Fault)f.MessageObject).Exceptions)
            .Select(e => e.ExceptionType + ": " + e.Message);
        Assert.Fail($"Saga {orderId} did not reach {state(Machine).Name}. Faults: {string.Join(" | ", faults)}");
    }

    public async ValueTask DisposeAsync() => await provider.DisposeAsync();
}
