using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orders.Processor.Fulfilment;
using Orders.Processor.Tests.Kafka;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Scheduling;

/// <summary>How the clock copes with deliveries that fail for good and with deadlines that all fall due at once.</summary>
[Collection(PostgresDefinition.Name)]
public sealed class TimeoutDeliveryTests(PostgresFixture postgres)
{
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_timeout_that_keeps_failing_is_given_up_as_dead_and_an_operator_retry_delivers_it_once()
    {
        var api = new FakeOrdersApi { Respond = (_, _) => FakeOrdersApi.Unavailable() };
        var database = await postgres.CreateDatabaseAsync();
        await using var host = await FulfilmentHost.StartAsync(
            database, api, paymentTimeout: PaymentTimeout, configure: s => s["Scheduling:MaxDeliveryAttempts"] = "2");
        using var metrics = new MeterTotals(host.Services.GetRequiredService<IMeterFactory>());
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));
        var token = (await host.LoadAsync(orderId))!.PaymentTimeoutTokenId!.Value;

        await Eventually.HoldsAsync(async () => await DeadAsync(database, token) == 1, "the timeout is given up after two deliveries");
        Assert.Equal(0, await FulfilmentSql.JobExistsAsync(database, token));
        Assert.Equal(2, await FulfilmentSql.ScalarAsync(database,
            "SELECT max(attempts) FROM fulfilment.dead_timeout WHERE token_id = @token AND correlation_id = @id",
            ("token", token), ("id", orderId)));
        Assert.StartsWith("HttpRequestException: The Orders API answered 503", await LastErrorAsync(database, token), StringComparison.Ordinal);
        Assert.Equal(1, metrics["orders.fulfilment.timeouts.dead"]);
        // Each refused delivery halved what the node delivers at once: 10, 5, 2.
        var concurrency = host.Services.GetRequiredService<Orders.Processor.Scheduling.DeliveryConcurrency>();
        Assert.Equal(2, concurrency.Current);
        var calls = api.Calls.Count;
        Assert.Null((await host.LoadAsync(orderId))!.CancellationRequestedAt);

        api.Respond = (_, _) => null;
        Assert.Equal(1, await FulfilmentSql.ScalarAsync(database, "SELECT count(*) FROM fulfilment.dead_timeout WHERE fulfilment.retry_dead_timeout(token_id)"));

        await Eventually.HoldsAsync(async () => (await host.LoadAsync(orderId))!.CancellationRequestedAt is not null, "the retried timeout is delivered");
        await Eventually.HoldsAsync(async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0, "the delivered timeout is deleted");
        Assert.Equal(0, await DeadAsync(database, token));
        Assert.Equal(calls + 1, api.Calls.Count);
        await Eventually.HoldsAsync(() => concurrency.Current == 3, "a delivery taken by the API allows one more at once");
        Assert.Equal(0, await FulfilmentSql.ScalarAsync(database, "SELECT count(*) FROM fulfilment.dead_timeout WHERE fulfilment.retry_dead_timeout(token_id)"));
    }

    [Fact]
    public async Task Two_nodes_deliver_disjoint_due_timeouts_at_the_same_time_and_each_once()
    {
        var database = await postgres.CreateDatabaseAsync();
        var overlap = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = new int[2];
        FakeOrdersApi Node(int node) => new()
        {
            // A delivery waits (boundedly) until the other node has one in flight too: only overlapping firings open it.
            BeforeAnswering = async _ =>
            {
                Interlocked.Increment(ref inFlight[node]);
                if (Volatile.Read(ref inFlight[1 - node]) > 0)
                {
                    overlap.TrySetResult();
                }

                await Task.WhenAny(overlap.Task, Task.Delay(TimeSpan.FromSeconds(3)));
                Interlocked.Decrement(ref inFlight[node]);
            },
        };
        var apis = new[] { Node(0), Node(1) };
        void Burst(IDictionary<string, string?> settings)
        {
            settings["Scheduling:BatchSize"] = "4";
            settings["Scheduling:ConcurrentFirings"] = "1";
            settings["Scheduling:RetryInterval"] = "00:00:20";
        }

        await using var a = await FulfilmentHost.StartAsync(database, apis[0], paymentTimeout: TimeSpan.FromHours(1), configure: Burst);
        await using var b = await FulfilmentHost.StartAsync(database, apis[1], paymentTimeout: TimeSpan.FromHours(1), configure: Burst);
        var orders = Enumerable.Range(0, 24).Select(_ => Guid.NewGuid()).ToList();
        foreach (var orderId in orders)
        {
            await a.SendAsync(OrderEvents.Submitted(orderId));
        }

        // Every deadline falls due at the same moment.
        Assert.Equal(orders.Count, await FulfilmentSql.ScalarAsync(database, "UPDATE fulfilment.scheduled_timeout SET due_at = now()"));

        await Eventually.HoldsAsync(async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0, "every timeout is delivered", TimeSpan.FromSeconds(60));
        Assert.True(overlap.Task.IsCompleted, "the two nodes delivered at the same time");
        Assert.All(apis, api => Assert.NotEmpty(api.Calls));
        Assert.All(orders, orderId => Assert.Equal(1, apis.Sum(api => api.CallsFor(orderId))));
        // Each deadline applied to its saga once, whichever node's group took it.
        Assert.Equal(orders.Count, await TimeoutsAppliedAsync(database));
    }

    [Fact]
    public async Task A_burst_of_deadlines_is_delivered_in_shared_transactions_with_the_api_calls_side_by_side_and_a_paid_order_stays_uncancelled()
    {
        var database = await postgres.CreateDatabaseAsync();
        var orders = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();
        var paid = orders[5];
        var inFlight = 0;
        var mostInFlight = 0;
        var together = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var api = new FakeOrdersApi
        {
            // A call waits (boundedly) until a whole group of four is in flight: only deliveries sent at once open it.
            BeforeAnswering = async _ =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref mostInFlight, now);
                if (now >= 4)
                {
                    together.TrySetResult();
                }

                await Task.WhenAny(together.Task, Task.Delay(TimeSpan.FromSeconds(3)));
                Interlocked.Decrement(ref inFlight);
            },
            // The payment reached the API before the deadline, but not the saga yet: the If-Match refuses.
            Respond = (_, orderId) => orderId == paid ? FakeOrdersApi.Conflict("Paid") : null,
        };
        await using var host = await FulfilmentHost.StartAsync(database, api, paymentTimeout: TimeSpan.FromHours(1), configure: s =>
        {
            s["Scheduling:BatchSize"] = "8";
            s["Scheduling:MaxConcurrency"] = "4";
            s["Scheduling:ConcurrentFirings"] = "1";
            s["Scheduling:RetryInterval"] = "00:00:20";
        });
        foreach (var orderId in orders)
        {
            await host.SendAsync(OrderEvents.Submitted(orderId));
        }

        Assert.Equal(orders.Count, await FulfilmentSql.ScalarAsync(database, "UPDATE fulfilment.scheduled_timeout SET due_at = now()"));

        await Eventually.HoldsAsync(async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0, "every timeout is delivered", TimeSpan.FromSeconds(60));
        Assert.True(mostInFlight >= 4, $"the calls of a group ran side by side (at most {mostInFlight} at once)");
        Assert.All(orders, orderId => Assert.Equal(1, api.CallsFor(orderId)));
        foreach (var orderId in orders)
        {
            var saga = (await host.LoadAsync(orderId))!;
            Assert.Equal("AwaitingPayment", saga.CurrentState);
            Assert.Null(saga.PaymentTimeoutTokenId);
            Assert.Equal(orderId != paid, saga.CancellationRequestedAt is not null);
        }

        // Two groups of four, each one saga transaction: its rows share the xmin of that transaction.
        Assert.Equal(2, await FulfilmentSql.ScalarAsync(database, "SELECT count(DISTINCT xmin::text) FROM fulfilment.order_state"));
        Assert.Equal(orders.Count, await TimeoutsAppliedAsync(database));
        Assert.Equal(0, await FulfilmentSql.ScalarAsync(database, "SELECT count(*) FROM fulfilment.dead_timeout"));
    }

    [Fact]
    public async Task A_delivery_that_fails_in_a_burst_rolls_its_group_back_and_only_it_waits_for_the_retry()
    {
        var database = await postgres.CreateDatabaseAsync();
        var orders = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        var failing = orders[2];
        var apiDown = true;
        var api = new FakeOrdersApi { Respond = (_, orderId) => orderId == failing && Volatile.Read(ref apiDown) ? FakeOrdersApi.Unavailable() : null };
        await using var host = await FulfilmentHost.StartAsync(database, api, paymentTimeout: TimeSpan.FromHours(1), configure: s =>
        {
            s["Scheduling:BatchSize"] = "4";
            s["Scheduling:MaxConcurrency"] = "4";
            s["Scheduling:ConcurrentFirings"] = "1";
            s["Scheduling:RetryInterval"] = "00:00:02";
        });
        foreach (var orderId in orders)
        {
            await host.SendAsync(OrderEvents.Submitted(orderId));
        }

        var token = (await host.LoadAsync(failing))!.PaymentTimeoutTokenId!.Value;
        Assert.Equal(orders.Count, await FulfilmentSql.ScalarAsync(database, "UPDATE fulfilment.scheduled_timeout SET due_at = now()"));

        await Eventually.HoldsAsync(
            async () => await FulfilmentSql.TimeoutJobsAsync(database) == 1 && await FulfilmentSql.ScalarAsync(database,
                "SELECT count(*) FROM fulfilment.scheduled_timeout WHERE token_id = @token AND last_error IS NOT NULL", ("token", token)) == 1,
            "every timeout but the failing one is delivered, and its failure is stored");
        Assert.Equal(token, (await host.LoadAsync(failing))!.PaymentTimeoutTokenId);
        foreach (var orderId in orders.Where(o => o != failing))
        {
            Assert.NotNull((await host.LoadAsync(orderId))!.CancellationRequestedAt);
            // Asked in the group that rolled back; delivered again (from fresh rows, then alone), the client already knows the answer.
            Assert.Equal(1, api.CallsFor(orderId));
        }

        Volatile.Write(ref apiDown, false);
        await Eventually.HoldsAsync(async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0, "the failed timeout is delivered when its lease ends");
        Assert.NotNull((await host.LoadAsync(failing))!.CancellationRequestedAt);
        Assert.Equal(orders.Count, await TimeoutsAppliedAsync(database));
    }

    [Fact]
    public async Task A_consumed_timeout_is_deleted_by_the_saga_transaction_that_consumed_it()
    {
        var api = new FakeOrdersApi();
        var database = await postgres.CreateDatabaseAsync();
        await using var host = await FulfilmentHost.StartAsync(database, api, paymentTimeout: TimeSpan.FromHours(1));
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));
        var token = (await host.LoadAsync(orderId))!.PaymentTimeoutTokenId!.Value;

        // What the clock sends for a claimed row; the clock itself has nothing due and deletes nothing.
        await host.Mediator.Send(
            new PaymentTimedOut { OrderId = orderId },
            MassTransit.Pipe.Execute<MassTransit.SendContext>(c => c.Headers.Set(MassTransit.MessageHeaders.SchedulingTokenId, token.ToString("D"))));

        Assert.Equal(0, await FulfilmentSql.JobExistsAsync(database, token));
        Assert.NotNull((await host.LoadAsync(orderId))!.CancellationRequestedAt);
        Assert.Equal(1, api.CallsFor(orderId));
    }

    private static Task<long> TimeoutsAppliedAsync(string database) =>
        FulfilmentSql.ScalarAsync(database, "SELECT count(*) FROM fulfilment.order_history WHERE event = 'PaymentTimeout.Received'");

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    private static async Task<string> LastErrorAsync(string database, Guid token)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT last_error FROM fulfilment.dead_timeout WHERE token_id = @token", connection);
        command.Parameters.AddWithValue("token", token);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static Task<long> DeadAsync(string database, Guid token) =>
        FulfilmentSql.ScalarAsync(database, "SELECT count(*) FROM fulfilment.dead_timeout WHERE token_id = @token", ("token", token));
}
