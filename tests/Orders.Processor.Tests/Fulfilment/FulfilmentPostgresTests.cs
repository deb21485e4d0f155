using MassTransit;
using Npgsql;
using Orders.Processor.Fulfilment;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>The saga through IMediator on PostgreSQL with the real repository and Quartz store.</summary>
[Collection(PostgresDefinition.Name)]
public sealed class FulfilmentPostgresTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Send_drives_orders_to_their_final_states_and_leaves_no_timeouts()
    {
        var api = new FakeOrdersApi();
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), api);
        var delivered = Guid.NewGuid();
        var cancelled = Guid.NewGuid();

        await host.SendAsync(OrderEvents.Submitted(delivered));
        await host.SendAsync(OrderEvents.Submitted(cancelled));
        Assert.Equal(2, await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString));
        await host.SendAsync(OrderEvents.Paid(delivered));
        await host.SendAsync(OrderEvents.Cancelled(cancelled, reason: "customer"));
        await host.SendAsync(OrderEvents.Shipped(delivered));
        await host.SendAsync(OrderEvents.Delivered(delivered));

        var completed = await host.LoadAsync(delivered);
        Assert.Equal("Completed", completed!.CurrentState);
        Assert.Equal(4, completed.LastSequence);
        Assert.NotNull(completed.PaidAt);
        Assert.NotNull(completed.ShippedAt);
        Assert.NotNull(completed.DeliveredAt);
        var cancelledState = await host.LoadAsync(cancelled);
        Assert.Equal("Cancelled", cancelledState!.CurrentState);
        Assert.Equal("customer", cancelledState.CancellationReason);
        Assert.Equal(0, await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString));
        Assert.Empty(api.Calls);
    }

    [Fact]
    public async Task Repeated_event_writes_nothing_and_changes_no_timeout()
    {
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), new FakeOrdersApi());
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));
        await host.SendAsync(OrderEvents.Paid(orderId));
        var before = await host.LoadAsync(orderId);
        var xmin = await FulfilmentSql.XminAsync(host.ConnectionString, orderId);

        await host.SendAsync(OrderEvents.Paid(orderId));
        await host.SendAsync(OrderEvents.Submitted(orderId));

        var after = await host.LoadAsync(orderId);
        Assert.Equal(xmin, await FulfilmentSql.XminAsync(host.ConnectionString, orderId));
        Assert.Equal("AwaitingShipment", after!.CurrentState);
        Assert.Equal(before!.ShipmentTimeoutTokenId, after.ShipmentTimeoutTokenId);
        Assert.Equal(1, await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString));
        Assert.Equal(1, await FulfilmentSql.JobExistsAsync(host.ConnectionString, after.ShipmentTimeoutTokenId));
    }

    [Fact]
    public async Task Gap_parks_the_order_and_send_returns_normally()
    {
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), new FakeOrdersApi());
        var orderId = Guid.NewGuid();
        var unknown = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));

        await host.SendAsync(OrderEvents.Shipped(orderId, sequence: 3));
        await host.SendAsync(OrderEvents.Paid(unknown, sequence: 2));

        var parked = await host.LoadAsync(orderId);
        Assert.Equal("Parked", parked!.CurrentState);
        Assert.Equal((1, 2, 3), (parked.LastSequence, parked.ExpectedSequence!.Value, parked.ReceivedSequence!.Value));
        Assert.Null(parked.PaymentTimeoutTokenId);
        var never = await host.LoadAsync(unknown);
        Assert.Equal("Parked", never!.CurrentState);
        Assert.Equal((0, 1, 2), (never.LastSequence, never.ExpectedSequence!.Value, never.ReceivedSequence!.Value));
        Assert.Equal(0, await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString));
    }

    [Fact]
    public async Task Failed_saga_transaction_leaves_neither_the_state_nor_the_timeouts_changed()
    {
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), new FakeOrdersApi());
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));
        var before = await host.LoadAsync(orderId);
        // Fails the saga's write after the activities have already cancelled the payment timeout and scheduled the
        // shipment timeout in the same transaction.
        await ExecuteAsync(host.ConnectionString, """
            CREATE FUNCTION fulfilment.refuse_shipment_wait() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
            CREATE TRIGGER refuse_shipment_wait BEFORE UPDATE ON fulfilment.order_state
            FOR EACH ROW WHEN (NEW.current_state = 'AwaitingShipment') EXECUTE FUNCTION fulfilment.refuse_shipment_wait();
            """);

        var failure = await Record.ExceptionAsync(() => host.SendAsync(OrderEvents.Paid(orderId)));

        Assert.NotNull(failure);
        var after = await host.LoadAsync(orderId);
        Assert.Equal("AwaitingPayment", after!.CurrentState);
        Assert.Equal(1, after.LastSequence);
        Assert.Equal(before!.PaymentTimeoutTokenId, after.PaymentTimeoutTokenId);
        Assert.Null(after.ShipmentTimeoutTokenId);
        Assert.Equal(1, await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString));
        Assert.Equal(1, await FulfilmentSql.JobExistsAsync(host.ConnectionString, before.PaymentTimeoutTokenId));

        await ExecuteAsync(host.ConnectionString, "DROP TRIGGER refuse_shipment_wait ON fulfilment.order_state;");
        await host.SendAsync(OrderEvents.Paid(orderId));

        var paid = await host.LoadAsync(orderId);
        Assert.Equal("AwaitingShipment", paid!.CurrentState);
        Assert.Equal(1, await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString));
        Assert.Equal(1, await FulfilmentSql.JobExistsAsync(host.ConnectionString, paid.ShipmentTimeoutTokenId));
    }

    [Fact]
    public async Task Concurrency_conflict_on_a_saga_row_is_retried_and_the_event_applied_once()
    {
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), new FakeOrdersApi());
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));

        // Another writer holds the row (and has moved its xmin) while the saga processes the payment.
        await using var other = new NpgsqlConnection(host.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var touch = new NpgsqlCommand(
            "UPDATE fulfilment.order_state SET updated_at = now() WHERE correlation_id = @id", other, transaction))
        {
            touch.Parameters.AddWithValue("id", orderId);
            await touch.ExecuteNonQueryAsync();
        }

        var send = host.SendAsync(OrderEvents.Paid(orderId));
        await Eventually.HoldsAsync(
            async () => await FulfilmentSql.ScalarAsync(
            host.ConnectionString, "SELECT count(*) FROM pg_locks WHERE NOT granted") > 0,
            "the saga's update waits");
        await transaction.CommitAsync();
        await send;

        var saga = await host.LoadAsync(orderId);
        Assert.Equal("AwaitingShipment", saga!.CurrentState);
        Assert.Equal(2, saga.LastSequence);
        Assert.Null(saga.PaymentTimeoutTokenId);
        // The losing attempt's scheduling rolled back with it: exactly one shipment timeout, no payment timeout.
        Assert.Equal(1, await FulfilmentSql.TimeoutJobsAsync(host.ConnectionString));
        Assert.Equal(1, await FulfilmentSql.JobExistsAsync(host.ConnectionString, saga.ShipmentTimeoutTokenId));
    }

    [Fact]
    public async Task Payment_racing_its_timeout_on_many_orders_ends_every_order_right()
    {
        var api = new FakeOrdersApi { Respond = (_, _) => FakeOrdersApi.Conflict("Paid") };
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), api);
        var orders = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        foreach (var orderId in orders)
        {
            await host.SendAsync(OrderEvents.Submitted(orderId));
        }

        // The timeout job's exact delivery, racing the payment on the same rows.
        await Task.WhenAll(orders.Select(async orderId =>
        {
            var token = (await host.LoadAsync(orderId))!.PaymentTimeoutTokenId!.Value;
            await Task.WhenAll(
                host.SendAsync(OrderEvents.Paid(orderId)),
                host.Mediator.Send(
                    new PaymentTimedOut { OrderId = orderId },
                    Pipe.Execute<SendContext>(c => c.Headers.Set(MessageHeaders.SchedulingTokenId, token.ToString("D")))));
        }));

        foreach (var orderId in orders)
        {
            var saga = await host.LoadAsync(orderId);
            Assert.Equal("AwaitingShipment", saga!.CurrentState);
            Assert.Equal(2, saga.LastSequence);
            Assert.Null(saga.PaymentTimeoutTokenId);
            Assert.Equal(1, await FulfilmentSql.JobExistsAsync(host.ConnectionString, saga.ShipmentTimeoutTokenId));
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
