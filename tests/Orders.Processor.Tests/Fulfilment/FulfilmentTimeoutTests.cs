using MassTransit;
using Orders.Processor.Fulfilment;
using Orders.Processor.OrdersApi;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>Timeouts in the Quartz store on PostgreSQL: restarts, repeats, a cluster of two, an API that is down.</summary>
[Collection(PostgresDefinition.Name)]
public sealed class FulfilmentTimeoutTests(PostgresFixture postgres)
{
    private static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task Timeout_due_while_no_processor_runs_fires_once_when_a_new_one_starts()
    {
        var api = new FakeOrdersApi();
        var database = await postgres.CreateDatabaseAsync();
        var orderId = Guid.NewGuid();
        await using (var first = await ProcessorHost.StartAsync(database, api, paymentTimeout: TimeSpan.FromHours(1)))
        {
            await first.SendAsync(OrderEvents.Submitted(orderId));
        }

        // The deadline passes while no processor runs: moved into the past, beyond the misfire threshold (1 s here).
        var past = DateTimeOffset.UtcNow.AddMinutes(-5).UtcTicks;
        Assert.Equal(1, await FulfilmentSql.ScalarAsync(database,
            "UPDATE fulfilment.qrtz_triggers SET next_fire_time = @past, start_time = @past", ("past", past)));
        Assert.Empty(api.Calls);

        await using var second = await ProcessorHost.StartAsync(database, api, paymentTimeout: TimeSpan.FromHours(1));

        await Eventually.True(async () => (await second.LoadAsync(orderId))!.CancellationRequestedAt is not null);
        await Eventually.True(async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0);
        Assert.Equal(1, api.CallsFor(orderId));
        Assert.Null((await second.LoadAsync(orderId))!.PaymentTimeoutTokenId);
    }

    [Fact]
    public async Task Timeout_delivered_twice_changes_nothing_the_second_time()
    {
        var api = new FakeOrdersApi();
        await using var host = await ProcessorHost.StartAsync(await postgres.CreateDatabaseAsync(), api, paymentTimeout: PaymentTimeout);
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));
        var token = (await host.LoadAsync(orderId))!.PaymentTimeoutTokenId!.Value;
        await Eventually.True(async () => await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString) == 0);
        Assert.Equal(1, api.CallsFor(orderId));
        var xmin = await FulfilmentSql.XminAsync(host.ConnectionString, orderId);

        // What a second firing of the same job would deliver.
        await host.Mediator.Send(
            new PaymentTimedOut { OrderId = orderId },
            Pipe.Execute<SendContext>(c => c.Headers.Set(MessageHeaders.SchedulingTokenId, token.ToString("D"))));

        Assert.Equal(1, api.CallsFor(orderId));
        Assert.Equal(xmin, await FulfilmentSql.XminAsync(host.ConnectionString, orderId));
        Assert.Equal("AwaitingPayment", (await host.LoadAsync(orderId))!.CurrentState);
    }

    [Fact]
    public async Task Timeout_is_retried_while_the_api_is_down_and_kept_until_it_answers()
    {
        var api = new FakeOrdersApi { Respond = (n, _) => n <= 6 ? FakeOrdersApi.Unavailable() : null };
        await using var host = await ProcessorHost.StartAsync(await postgres.CreateDatabaseAsync(), api, paymentTimeout: PaymentTimeout);
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));
        var token = (await host.LoadAsync(orderId))!.PaymentTimeoutTokenId;

        // One delivery attempt (the client's own retries included) has failed: nothing is consumed.
        await Eventually.True(() => Task.FromResult(api.Calls.Count >= 4));
        Assert.Equal(1, await FulfilmentSql.JobExistsAsync(host.ConnectionString, token));
        Assert.Equal(token, (await host.LoadAsync(orderId))!.PaymentTimeoutTokenId);

        await Eventually.True(async () => (await host.LoadAsync(orderId))!.CancellationRequestedAt is not null);
        await Eventually.True(async () => await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString) == 0);
        Assert.Equal(7, api.Calls.Count);
        Assert.All(api.Calls, c => Assert.Equal(OrdersApiClient.IdempotencyKey(orderId, "payment-timeout"), c.IdempotencyKey));
    }

    [Fact]
    public async Task Two_clustered_processors_fire_each_timeout_once_and_every_order_ends_right()
    {
        var api = new FakeOrdersApi();
        var database = await postgres.CreateDatabaseAsync();
        await using var a = await ProcessorHost.StartAsync(database, api, paymentTimeout: PaymentTimeout);
        await using var b = await ProcessorHost.StartAsync(database, api, paymentTimeout: PaymentTimeout);
        var hosts = new[] { a, b };
        var orders = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();

        await Task.WhenAll(orders.Select((orderId, i) => hosts[i % 2].SendAsync(OrderEvents.Submitted(orderId))));

        await Eventually.True(
            async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0, TimeSpan.FromSeconds(30), "every timeout fired");
        Assert.All(orders, orderId => Assert.Equal(1, api.CallsFor(orderId)));

        // The API's answers to the cancellations arrive through either processor.
        await Task.WhenAll(orders.Select((orderId, i) => hosts[(i + 1) % 2].SendAsync(OrderEvents.Cancelled(orderId))));
        foreach (var orderId in orders)
        {
            var saga = await a.LoadAsync(orderId);
            Assert.Equal("Cancelled", saga!.CurrentState);
            Assert.NotNull(saga.CancellationRequestedAt);
            Assert.Equal(2, saga.LastSequence);
        }

        Assert.Equal(orders.Count, api.Calls.Count);
    }
}
