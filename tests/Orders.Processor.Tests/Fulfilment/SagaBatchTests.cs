using MassTransit.Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orders.Processor.SagaRepository;
using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>The saga repository's batch mode: several messages in one <see cref="ISagaTransactions"/> transaction.</summary>
[Collection(PostgresDefinition.Name)]
public sealed class SagaBatchTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Messages_of_a_batch_are_invisible_until_it_commits_and_are_written_by_one_transaction()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var host = await FulfilmentHost.StartAsync(database, new FakeOrdersApi());
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        long visibleBeforeCommit = -1;

        await Transactions(host).RunAsync(
            [first, second, first],
            async mediator =>
            {
                await SendAsync(mediator, OrderEvents.Submitted(first));
                await SendAsync(mediator, OrderEvents.Submitted(second));
                await SendAsync(mediator, OrderEvents.Paid(first));
                visibleBeforeCommit = await FulfilmentSql.ScalarAsync(database, "SELECT count(*) FROM fulfilment.order_state");
            },
            CancellationToken.None);

        Assert.Equal(0, visibleBeforeCommit);
        Assert.Equal(2, await FulfilmentSql.ScalarAsync(database, "SELECT count(*) FROM fulfilment.order_state"));
        Assert.Equal(1, await FulfilmentSql.ScalarAsync(database, "SELECT count(DISTINCT xmin::text) FROM fulfilment.order_state"));
        Assert.Equal(2, await LastSequenceAsync(database, first));
        Assert.Equal(1, await LastSequenceAsync(database, second));
    }

    [Fact]
    public async Task A_row_failing_in_a_batch_rolls_back_every_change_and_the_messages_then_apply_one_by_one()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var host = await FulfilmentHost.StartAsync(database, new FakeOrdersApi());
        var orders = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await FulfilmentSql.FailFirstWriteOfAsync(database, orders[1]);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Transactions(host).RunAsync(
            orders,
            async mediator =>
            {
                foreach (var order in orders)
                {
                    await SendAsync(mediator, OrderEvents.Submitted(order));
                }
            },
            CancellationToken.None));

        Assert.Contains(Chain(failure), e => e is PostgresException { MessageText: "test: first write fails" });
        Assert.Equal(0, await FulfilmentSql.ScalarAsync(database, "SELECT count(*) FROM fulfilment.order_state"));

        foreach (var order in orders)
        {
            await host.SendAsync(OrderEvents.Submitted(order));
        }

        Assert.Equal(3, await FulfilmentSql.ScalarAsync(database, "SELECT count(*) FROM fulfilment.order_state WHERE last_sequence = 1"));
    }

    [Fact]
    public async Task A_concurrent_writer_fails_the_batch_and_the_message_then_applies_on_its_own()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var host = await FulfilmentHost.StartAsync(database, new FakeOrdersApi());
        var order = Guid.NewGuid();
        await host.SendAsync(OrderEvents.Submitted(order));

        // A timeout delivery, say, commits a change to the row after the batch read it.
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Transactions(host).RunAsync(
            [order],
            async mediator =>
            {
                await FulfilmentSql.ScalarAsync(
                    database, "UPDATE fulfilment.order_state SET shipment_overdue_at = now() WHERE correlation_id = @id", ("id", order));
                await SendAsync(mediator, OrderEvents.Paid(order));
            },
            CancellationToken.None));

        Assert.Contains(Chain(failure), e => e is DbUpdateConcurrencyException);
        Assert.Equal(1, await LastSequenceAsync(database, order));

        await host.SendAsync(OrderEvents.Paid(order));
        Assert.Equal(2, await LastSequenceAsync(database, order));
        Assert.Equal(1, await FulfilmentSql.ScalarAsync(
            database, "SELECT count(*) FROM fulfilment.order_state WHERE correlation_id = @id AND shipment_overdue_at IS NOT NULL", ("id", order)));
    }

    [Fact]
    public async Task A_batch_writes_its_timeouts_at_its_commit_and_never_one_it_scheduled_and_cancelled_itself()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var host = await FulfilmentHost.StartAsync(database, new FakeOrdersApi());
        var (unpaid, paid) = (Guid.NewGuid(), Guid.NewGuid());
        long writtenBeforeCommit = -1;

        await Transactions(host).RunAsync(
            [unpaid, paid],
            async mediator =>
            {
                await SendAsync(mediator, OrderEvents.Submitted(unpaid));
                await SendAsync(mediator, OrderEvents.Submitted(paid));
                await SendAsync(mediator, OrderEvents.Paid(paid));
                writtenBeforeCommit = await FulfilmentSql.TimeoutJobsAsync(database);
            },
            CancellationToken.None);

        Assert.Equal(0, writtenBeforeCommit);
        Assert.Equal(2, await FulfilmentSql.TimeoutJobsAsync(database));
        Assert.Equal(1, await FulfilmentSql.ScalarAsync(database,
            "SELECT count(*) FROM fulfilment.scheduled_timeout t JOIN fulfilment.order_state s ON t.token_id = s.payment_timeout_token_id WHERE s.correlation_id = @id",
            ("id", unpaid)));
        Assert.Equal(1, await FulfilmentSql.ScalarAsync(database,
            "SELECT count(*) FROM fulfilment.scheduled_timeout t JOIN fulfilment.order_state s ON t.token_id = s.shipment_timeout_token_id WHERE s.correlation_id = @id",
            ("id", paid)));
    }

    [Fact]
    public void A_failure_inside_a_batch_is_never_retried_by_the_mediator_whatever_it_wraps()
    {
        var deadlock = new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);

        Assert.True(SagaFailures.IsConflict(deadlock));
        Assert.True(SagaFailures.IsConflict(new DbUpdateConcurrencyException()));
        Assert.False(SagaFailures.IsConflict(new SagaBatchFailedException("in a batch", deadlock)));
        Assert.False(SagaFailures.IsConflict(new SagaBatchFailedException("in a batch", new DbUpdateConcurrencyException())));
    }

    private static ISagaTransactions Transactions(FulfilmentHost host) => host.Services.GetRequiredService<ISagaTransactions>();

    private static Task SendAsync(IMediator mediator, Orders.Contracts.IOrderEvent orderEvent) =>
        mediator.Send(orderEvent, orderEvent.GetType());

    private static Task<long> LastSequenceAsync(string database, Guid order) =>
        FulfilmentSql.ScalarAsync(database, "SELECT last_sequence FROM fulfilment.order_state WHERE correlation_id = @id", ("id", order));

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
