using System.Text.Json;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Orders.Processor.Data;
using Orders.Processor.Fulfilment;
using Orders.Processor.OrdersApi;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>
/// Timeouts in <c>fulfilment.scheduled_timeout</c>, delivered by the Quartz clock on PostgreSQL: restarts, repeats, a
/// crash before the row is deleted, a cluster of two, an API that is down, saga transactions that do not wait for each
/// other, and the upgrade from one Quartz job per timeout.
/// </summary>
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
        await using (var first = await FulfilmentHost.StartAsync(database, api, paymentTimeout: TimeSpan.FromHours(1)))
        {
            await first.SendAsync(OrderEvents.Submitted(orderId));
        }

        // The deadline passes while no processor runs.
        Assert.Equal(1, await FulfilmentSql.ScalarAsync(database,
            "UPDATE fulfilment.scheduled_timeout SET due_at = now() - interval '5 minutes' WHERE correlation_id = @id AND attempts = 0",
            ("id", orderId)));
        Assert.Empty(api.Calls);

        await using var second = await FulfilmentHost.StartAsync(database, api, paymentTimeout: TimeSpan.FromHours(1));

        await Eventually.HoldsAsync(async () => (await second.LoadAsync(orderId))!.CancellationRequestedAt is not null, "the payment timeout asked the API to cancel");
        await Eventually.HoldsAsync(async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0, "no timeout row is left");
        Assert.Equal(1, api.CallsFor(orderId));
        Assert.Null((await second.LoadAsync(orderId))!.PaymentTimeoutTokenId);
    }

    [Fact]
    public async Task Timeout_delivered_twice_changes_nothing_the_second_time()
    {
        var api = new FakeOrdersApi();
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), api, paymentTimeout: PaymentTimeout);
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));
        var token = (await host.LoadAsync(orderId))!.PaymentTimeoutTokenId!.Value;
        await Eventually.HoldsAsync(async () => await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString) == 0, "no timeout row is left");
        Assert.Equal(1, api.CallsFor(orderId));
        var xmin = await FulfilmentSql.XminAsync(host.ConnectionString, orderId);

        // What a second delivery of the same row would send.
        await host.Mediator.Send(
            new PaymentTimedOut { OrderId = orderId },
            Pipe.Execute<SendContext>(c => c.Headers.Set(MessageHeaders.SchedulingTokenId, token.ToString("D"))));

        Assert.Equal(1, api.CallsFor(orderId));
        Assert.Equal(xmin, await FulfilmentSql.XminAsync(host.ConnectionString, orderId));
        Assert.Equal("AwaitingPayment", (await host.LoadAsync(orderId))!.CurrentState);
    }

    [Fact]
    public async Task Crash_after_the_saga_committed_but_before_the_row_was_deleted_delivers_again_and_changes_nothing()
    {
        var api = new FakeOrdersApi();
        var database = await postgres.CreateDatabaseAsync();
        var orderId = Guid.NewGuid();
        await using (var crashing = await FulfilmentHost.StartAsync(database, api, paymentTimeout: PaymentTimeout))
        {
            // The node's DELETE after each delivery is lost, as if it died right after the saga committed.
            await FulfilmentSql.ScalarAsync(database,
                "CREATE RULE lose_deletes AS ON DELETE TO fulfilment.scheduled_timeout DO INSTEAD NOTHING");
            await crashing.SendAsync(OrderEvents.Submitted(orderId));
            var token = (await crashing.LoadAsync(orderId))!.PaymentTimeoutTokenId!.Value;

            await Eventually.HoldsAsync(async () => (await crashing.LoadAsync(orderId))!.CancellationRequestedAt is not null, "the payment timeout asked the API to cancel");
            // Claimed again after its lease and delivered again, still before any DELETE took effect.
            await Eventually.HoldsAsync(async () => await FulfilmentSql.AttemptsAsync(database, token) >= 2, "the timeout was delivered at least twice");
        }

        var xmin = await FulfilmentSql.XminAsync(database, orderId);
        await FulfilmentSql.ScalarAsync(database, "DROP RULE lose_deletes ON fulfilment.scheduled_timeout");
        await using var next = await FulfilmentHost.StartAsync(database, api, paymentTimeout: PaymentTimeout);

        await Eventually.HoldsAsync(async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0, "the next node delivers the row");
        Assert.Equal(1, api.CallsFor(orderId));
        Assert.Equal(xmin, await FulfilmentSql.XminAsync(database, orderId));
        var saga = await next.LoadAsync(orderId);
        Assert.Equal("AwaitingPayment", saga!.CurrentState);
        Assert.Null(saga.PaymentTimeoutTokenId);
    }

    [Fact]
    public async Task Timeout_is_retried_while_the_api_is_down_and_kept_until_it_answers()
    {
        var api = new FakeOrdersApi { Respond = (n, _) => n <= 6 ? FakeOrdersApi.Unavailable() : null };
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), api, paymentTimeout: PaymentTimeout);
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));
        var token = (await host.LoadAsync(orderId))!.PaymentTimeoutTokenId;

        // One delivery attempt (the client's own retries included) has failed: the row stays, with the reason.
        await Eventually.HoldsAsync(
            async () => await FulfilmentSql.ScalarAsync(host.ConnectionString,
            "SELECT count(*) FROM fulfilment.scheduled_timeout WHERE token_id = @token AND last_error IS NOT NULL", ("token", token!.Value)) == 1,
            "the first delivery attempt failed and its reason is stored");
        Assert.True(api.Calls.Count >= 4);
        Assert.Equal(token, (await host.LoadAsync(orderId))!.PaymentTimeoutTokenId);
        Assert.Null((await host.LoadAsync(orderId))!.CancellationRequestedAt);

        await Eventually.HoldsAsync(async () => (await host.LoadAsync(orderId))!.CancellationRequestedAt is not null, "the payment timeout asked the API to cancel");
        await Eventually.HoldsAsync(async () => await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString) == 0, "no timeout row is left");
        Assert.Equal(7, api.Calls.Count);
        Assert.All(api.Calls, c => Assert.Equal(OrdersApiClient.IdempotencyKey(orderId, "payment-timeout"), c.IdempotencyKey));
    }

    [Fact]
    public async Task Two_clustered_processors_fire_each_timeout_once_and_every_order_ends_right()
    {
        var api = new FakeOrdersApi();
        var database = await postgres.CreateDatabaseAsync();
        await using var a = await FulfilmentHost.StartAsync(database, api, paymentTimeout: PaymentTimeout);
        await using var b = await FulfilmentHost.StartAsync(database, api, paymentTimeout: PaymentTimeout);
        var hosts = new[] { a, b };
        var orders = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();

        await Task.WhenAll(orders.Select((orderId, i) => hosts[i % 2].SendAsync(OrderEvents.Submitted(orderId))));

        await Eventually.HoldsAsync(
            async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0,
            "every timeout fired",
            TimeSpan.FromSeconds(30));
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

    [Fact]
    public async Task Saga_transaction_still_open_after_scheduling_does_not_hold_up_another_one_that_schedules()
    {
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), new FakeOrdersApi());
        var held = Guid.NewGuid();
        var free = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(held));
        await host.SendAsync(OrderEvents.Submitted(free));

        // Another writer holds the first order's row, so its payment's saga transaction, which has already cancelled the
        // payment timeout and scheduled the shipment timeout, waits at its saga row update with those writes uncommitted.
        await using var other = new NpgsqlConnection(host.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var touch = new NpgsqlCommand(
            "UPDATE fulfilment.order_state SET updated_at = now() WHERE correlation_id = @id", other, transaction))
        {
            touch.Parameters.AddWithValue("id", held);
            await touch.ExecuteNonQueryAsync();
        }

        var heldSend = host.SendAsync(OrderEvents.Paid(held));
        await Eventually.HoldsAsync(
            async () => await FulfilmentSql.ScalarAsync(
            host.ConnectionString, "SELECT count(*) FROM pg_locks WHERE NOT granted") > 0,
            "the held saga's update waits");

        // The same kind of transaction on another order commits meanwhile (under Quartz enlistment it waited for the lock).
        var freeSend = host.SendAsync(OrderEvents.Paid(free));
        var first = await Task.WhenAny(freeSend, heldSend, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(freeSend, first);
        await freeSend;
        Assert.False(heldSend.IsCompleted);
        var freeSaga = await host.LoadAsync(free);
        Assert.Equal("AwaitingShipment", freeSaga!.CurrentState);
        Assert.Equal(1, await FulfilmentSql.JobExistsAsync(host.ConnectionString, freeSaga.ShipmentTimeoutTokenId));

        // The held one loses the race on its row, is retried in a new transaction and schedules in that one.
        await transaction.CommitAsync();
        await heldSend;
        var heldSaga = await host.LoadAsync(held);
        Assert.Equal("AwaitingShipment", heldSaga!.CurrentState);
        Assert.Null(heldSaga.PaymentTimeoutTokenId);
        Assert.Equal(1, await FulfilmentSql.JobExistsAsync(host.ConnectionString, heldSaga.ShipmentTimeoutTokenId));
        Assert.Equal(2, await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString));
    }

    [Fact]
    public async Task Timeout_pending_as_a_quartz_job_before_the_upgrade_is_moved_to_the_table_and_fires()
    {
        var api = new FakeOrdersApi();
        var database = await postgres.CreateDatabaseAsync();
        var orderId = Guid.NewGuid();
        var token = Guid.NewGuid();
        await using (var db = new FulfilmentDbContext(new DbContextOptionsBuilder<FulfilmentDbContext>()
            .UseNpgsql(Orders.SystemHost.OrdersDatabase.Of(database).Owner, n => n.MigrationsHistoryTable(FulfilmentDbContext.MigrationsHistoryTable, FulfilmentDbContext.Schema))
            .UseSnakeCaseNamingConvention()
            .Options))
        {
            await db.GetService<IMigrator>().MigrateAsync("AddQuartzStore");
        }

        // An order waiting for payment, and its overdue timeout as the old ScheduledMessageJob stored it.
        var past = DateTimeOffset.UtcNow.AddMinutes(-5).UtcTicks;
        await FulfilmentSql.ScalarAsync(database, """
            INSERT INTO fulfilment.order_state
                (correlation_id, current_state, user_id, last_sequence, updated_at, submitted_at, payment_timeout_token_id, refund_required)
            VALUES (@order, 'AwaitingPayment', 42, 1, now(), now(), @token, false);
            INSERT INTO fulfilment.qrtz_job_details
                (sched_name, job_name, job_group, job_class_name, is_durable, is_nonconcurrent, is_update_data, requests_recovery, job_data)
            VALUES ('fulfilment', @tokenText, 'fulfilment-timeouts', 'Orders.Processor.Scheduling.ScheduledMessageJob, Orders.Processor',
                    false, true, false, true, convert_to(@data, 'UTF8'));
            INSERT INTO fulfilment.qrtz_triggers
                (sched_name, trigger_name, trigger_group, job_name, job_group, next_fire_time, trigger_state, trigger_type, start_time)
            VALUES ('fulfilment', @tokenText, 'fulfilment-timeouts', @tokenText, 'fulfilment-timeouts', @past, 'WAITING', 'SIMPLE', @past);
            INSERT INTO fulfilment.qrtz_simple_triggers (sched_name, trigger_name, trigger_group, repeat_count, repeat_interval, times_triggered)
            VALUES ('fulfilment', @tokenText, 'fulfilment-timeouts', -1, 300000000, 0);
            """,
            ("order", orderId), ("token", token), ("tokenText", token.ToString("D")), ("past", past),
            ("data", JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["message-type"] = typeof(PaymentTimedOut).FullName!,
                ["message"] = JsonSerializer.Serialize(new PaymentTimedOut { OrderId = orderId }),
                ["token-id"] = token.ToString("D"),
            })));

        await using var host = await FulfilmentHost.StartAsync(database, api);

        await Eventually.HoldsAsync(async () => (await host.LoadAsync(orderId))!.CancellationRequestedAt is not null, "the payment timeout asked the API to cancel");
        await Eventually.HoldsAsync(async () => await FulfilmentSql.TimeoutJobsAsync(database) == 0, "no timeout row is left");
        Assert.Equal(1, api.CallsFor(orderId));
        Assert.Null((await host.LoadAsync(orderId))!.PaymentTimeoutTokenId);
        Assert.Equal(0, await FulfilmentSql.ScalarAsync(database,
            "SELECT count(*) FROM fulfilment.qrtz_job_details WHERE job_group = 'fulfilment-timeouts'"));
    }
}
