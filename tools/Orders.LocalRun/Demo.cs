using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Orders.SystemHost;

namespace Orders.LocalRun;

/// <summary>
/// Drives a handful of orders through the API and prints each one's saga state as the processor moves it, so a
/// newcomer sees the whole pipeline: API → outbox → relay → Kafka → processor → saga (and back, for the timeout).
/// </summary>
internal static class Demo
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private enum Plan
    {
        Deliver,
        Ship,
        Pay,
        Cancel,
        LeaveUnpaid,
    }

    public static async Task RunAsync(OrdersSystem system, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = system.ApiBaseAddress };
        // The demo plays the storefront, the payment service and the warehouse at once.
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer", system.Tokens.Mint("local-demo", DevelopmentTokens.AllScopes));
        Plan[] plans = [Plan.Deliver, Plan.Deliver, Plan.Ship, Plan.Pay, Plan.Cancel, Plan.LeaveUnpaid];
        var orders = new Dictionary<Guid, (Plan Plan, string Label)>();
        for (var i = 0; i < plans.Length; i++)
        {
            var (id, total) = await SubmitAsync(http, userId: 100 + i, cancellationToken);
            var label = $"order {i + 1} ({plans[i]})";
            orders[id] = (plans[i], label);
            LabelledConsole.Write("demo", $"{label}: submitted {id}, total {total}");
            await FollowPlanAsync(http, id, total, plans[i], cancellationToken);
        }

        LabelledConsole.Write("demo", $"The unpaid order is cancelled by the processor after its payment timeout; watching saga states...");
        await WatchSagasAsync(system.ConnectionString, orders, cancellationToken);
    }

    private static async Task<(Guid Id, decimal Total)> SubmitAsync(HttpClient http, long userId, CancellationToken cancellationToken)
    {
        var response = await http.PostAsJsonAsync(
            "/orders",
            new
            {
                userId,
                currency = "EUR",
                lines = new[] { new { sku = "BOOK-1", quantity = 2, unitPrice = 12.50m }, new { sku = "PEN-7", quantity = 1, unitPrice = 3.99m } },
            },
            cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (body.RootElement.GetProperty("id").GetGuid(), body.RootElement.GetProperty("total").GetDecimal());
    }

    private static async Task FollowPlanAsync(HttpClient http, Guid id, decimal total, Plan plan, CancellationToken cancellationToken)
    {
        if (plan is Plan.LeaveUnpaid)
        {
            return;
        }

        if (plan is Plan.Cancel)
        {
            await PostAsync(http, $"/orders/{id}/cancellation", new { reason = "customer changed their mind" }, cancellationToken);
            return;
        }

        await PostAsync(http, $"/orders/{id}/payment", new { amount = total, reference = $"demo-{id:N}" }, cancellationToken);
        if (plan is Plan.Pay)
        {
            return;
        }

        await PostAsync(http, $"/orders/{id}/shipment", new { carrier = "DHL", trackingNumber = $"TRK{id:N}"[..14] }, cancellationToken);
        if (plan is Plan.Deliver)
        {
            await PostAsync(http, $"/orders/{id}/delivery", new { }, cancellationToken);
        }
    }

    private static async Task PostAsync(HttpClient http, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(path, body, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private static async Task WatchSagasAsync(
        string connectionString, Dictionary<Guid, (Plan Plan, string Label)> orders, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<Guid, string>();
        var deadline = DateTime.UtcNow + Deadline;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        while (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            await using (var command = dataSource.CreateCommand(
                "SELECT correlation_id, current_state FROM fulfilment.order_state WHERE correlation_id = ANY(@ids)"))
            {
                command.Parameters.AddWithValue("ids", orders.Keys.ToArray());
                try
                {
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var id = reader.GetGuid(0);
                        var state = reader.GetString(1);
                        if (!seen.TryGetValue(id, out var previous) || previous != state)
                        {
                            seen[id] = state;
                            LabelledConsole.Write("demo", $"{orders[id].Label}: saga is {state}");
                        }
                    }
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
                {
                    // The processor has not created its schema yet.
                }
            }

            if (orders.Keys.All(id => seen.TryGetValue(id, out var state) && IsWhereThePlanEnds(orders[id].Plan, state)))
            {
                LabelledConsole.Write("demo", "Every demo order reached the state its plan ends in. The system keeps running; Ctrl+C stops it.");
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        LabelledConsole.Write("demo", "Not every demo order reached its final state in time; look at the processor's log lines.");
    }

    private static bool IsWhereThePlanEnds(Plan plan, string state) => plan switch
    {
        Plan.Deliver => state == "Completed",
        Plan.Ship => state == "InTransit",
        Plan.Pay => state == "AwaitingShipment",
        _ => state == "Cancelled",
    };
}
