using System.Collections.Concurrent;
using Orders.SystemHost;

namespace Orders.FaultInjection;

/// <summary>
/// Clients that take orders through their lifecycle until the load ends; each finishes the order it has begun, so
/// every change it started is acknowledged before the checks run.
/// </summary>
internal sealed class LoadDriver(OrdersSystem system, int clients, int seed)
{
    // Mostly full lifecycles, with every other ending the saga and the API must agree on.
    private static readonly (OrderScenario Scenario, int Weight)[] Mix =
    [
        (OrderScenario.Delivered, 50),
        (OrderScenario.Shipped, 10),
        (OrderScenario.Paid, 10),
        (OrderScenario.CancelledByCustomer, 10),
        (OrderScenario.CancelledAfterPayment, 10),
        (OrderScenario.PaymentTimedOut, 10),
    ];

    private readonly ConcurrentQueue<ClientOrder> orders = new();

    public LoadFigures Figures { get; } = new();

    public IReadOnlyList<ClientOrder> Orders => [.. orders];

    /// <summary>Runs the clients until <paramref name="stopStarting"/>; <paramref name="abandon"/> cuts them off.</summary>
    public Task RunAsync(CancellationToken stopStarting, CancellationToken abandon) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(() => RunClientAsync(client, stopStarting, abandon), CancellationToken.None)));

    private async Task RunClientAsync(int client, CancellationToken stopStarting, CancellationToken abandon)
    {
        var random = new Random(seed + client);
        using var http = ApiHttpClient.Create(system, $"fault-injection-{client}");
        var api = new RetryingOrdersClient(http, Figures, abandon);
        var userId = 1000L * (client + 1);
        while (!stopStarting.IsCancellationRequested)
        {
            var scenario = Pick(random);
            var id = await api.SubmitAsync(++userId);
            var order = new ClientOrder(id, scenario);
            orders.Enqueue(order);
            foreach (var change in Changes(api, scenario))
            {
                await change(id);
                order.AcknowledgedChanges++;
            }
        }
    }

    private static Func<Guid, Task>[] Changes(RetryingOrdersClient api, OrderScenario scenario) => scenario switch
    {
        OrderScenario.Delivered => [api.PayAsync, api.ShipAsync, api.DeliverAsync],
        OrderScenario.Shipped => [api.PayAsync, api.ShipAsync],
        OrderScenario.Paid => [api.PayAsync],
        OrderScenario.CancelledByCustomer => [api.CancelAsync],
        OrderScenario.CancelledAfterPayment => [api.PayAsync, api.CancelAsync],
        _ => [],
    };

    private static OrderScenario Pick(Random random)
    {
        var roll = random.Next(Mix.Sum(m => m.Weight));
        foreach (var (scenario, weight) in Mix)
        {
            if (roll < weight)
            {
                return scenario;
            }

            roll -= weight;
        }

        return OrderScenario.Delivered;
    }
}
