using MassTransit;
using Npgsql;
using Orders.Processor.Fulfilment;
using Orders.Processor.History;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.History;

/// <summary>The per-order history (<c>fulfilment.order_history</c>) through IMediator on PostgreSQL with the real repository.</summary>
[Collection(PostgresDefinition.Name)]
public sealed class OrderHistoryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Lifecycle_records_each_transition_in_order_with_its_kafka_position_and_a_repeat_records_nothing()
    {
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), new FakeOrdersApi());
        var orderId = Guid.NewGuid();

        await SendFromKafkaAsync(host, OrderEvents.Submitted(orderId), partition: 2, offset: 10);
        await SendFromKafkaAsync(host, OrderEvents.Paid(orderId), partition: 2, offset: 11);
        await SendFromKafkaAsync(host, OrderEvents.Paid(orderId), partition: 2, offset: 12);
        await host.SendAsync(OrderEvents.Shipped(orderId));
        await host.SendAsync(OrderEvents.Delivered(orderId));

        var history = await ReadAsync(host.ConnectionString, orderId);
        Assert.Equal(
            [
                ("OrderSubmitted", 1, null, "AwaitingPayment", 2, 10L),
                ("OrderPaid", 2, "AwaitingPayment", "AwaitingShipment", 2, 11L),
                ("OrderShipped", 3, "AwaitingShipment", "InTransit", null, null),
                ("OrderDelivered", 4, "InTransit", "Completed", null, null),
            ],
            history.Select(h => (h.Event, h.Sequence!.Value, h.StateBefore, h.StateAfter, h.KafkaPartition, h.KafkaOffset)));
    }

    [Fact]
    public async Task Gap_and_delivered_timeout_are_recorded_and_a_stale_timeout_is_not()
    {
        var api = new FakeOrdersApi();
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), api);
        var parked = Guid.NewGuid();
        var timedOut = Guid.NewGuid();

        await host.SendAsync(OrderEvents.Submitted(parked));
        await host.SendAsync(OrderEvents.Shipped(parked));
        await host.SendAsync(OrderEvents.Submitted(timedOut));
        var token = (await host.LoadAsync(timedOut))!.PaymentTimeoutTokenId!.Value;
        await SendTimeoutAsync(host, timedOut, token);
        await SendTimeoutAsync(host, timedOut, Guid.NewGuid());

        Assert.Equal(
            [("OrderSubmitted", null, "AwaitingPayment"), ("OrderShipped", "AwaitingPayment", "Parked")],
            (await ReadAsync(host.ConnectionString, parked)).Select(h => (h.Event, h.StateBefore, h.StateAfter)));
        var timeoutHistory = await ReadAsync(host.ConnectionString, timedOut);
        Assert.Equal(2, timeoutHistory.Count);
        Assert.Equal(("PaymentTimeout.Received", null, "AwaitingPayment"), (timeoutHistory[1].Event, timeoutHistory[1].Sequence, timeoutHistory[1].StateAfter));
        Assert.Equal(1, api.CallsFor(timedOut));
    }

    [Fact]
    public async Task Rolled_back_saga_transaction_leaves_no_history()
    {
        await using var host = await FulfilmentHost.StartAsync(await postgres.CreateDatabaseAsync(), new FakeOrdersApi());
        var orderId = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(orderId));
        await FulfilmentSql.ScalarAsync(host.ConnectionString, """
            CREATE FUNCTION fulfilment.refuse_shipment_wait() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
            CREATE TRIGGER refuse_shipment_wait BEFORE UPDATE ON fulfilment.order_state
            FOR EACH ROW WHEN (NEW.current_state = 'AwaitingShipment') EXECUTE FUNCTION fulfilment.refuse_shipment_wait();
            """);

        var failure = await Record.ExceptionAsync(() => host.SendAsync(OrderEvents.Paid(orderId)));

        Assert.NotNull(failure);
        Assert.Equal(["OrderSubmitted"], (await ReadAsync(host.ConnectionString, orderId)).Select(h => h.Event));
    }

    private static Task SendFromKafkaAsync(FulfilmentHost host, Contracts.IOrderEvent orderEvent, int partition, long offset) =>
        host.Mediator.Send(orderEvent, orderEvent.GetType(), OrderHistoryHeaders.FromKafka(partition, offset));

    private static Task SendTimeoutAsync(FulfilmentHost host, Guid orderId, Guid token) =>
        host.Mediator.Send(
            new PaymentTimedOut { OrderId = orderId },
            Pipe.Execute<SendContext>(c => c.Headers.Set(MessageHeaders.SchedulingTokenId, token.ToString("D"))));

    private static async Task<List<OrderHistoryEntry>> ReadAsync(string connectionString, Guid orderId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT event, sequence, state_before, state_after, kafka_partition, kafka_offset
            FROM fulfilment.order_history WHERE order_id = @order ORDER BY id
            """,
            connection);
        command.Parameters.AddWithValue("order", orderId);
        await using var reader = await command.ExecuteReaderAsync();
        var entries = new List<OrderHistoryEntry>();
        while (await reader.ReadAsync())
        {
            entries.Add(new OrderHistoryEntry
            {
                Event = reader.GetString(0),
                Sequence = reader.IsDBNull(1) ? null : reader.GetInt32(1),
                StateBefore = reader.IsDBNull(2) ? null : reader.GetString(2),
                StateAfter = reader.GetString(3),
                KafkaPartition = reader.IsDBNull(4) ? null : reader.GetInt32(4),
                KafkaOffset = reader.IsDBNull(5) ? null : reader.GetInt64(5),
            });
        }

        return entries;
    }
}
