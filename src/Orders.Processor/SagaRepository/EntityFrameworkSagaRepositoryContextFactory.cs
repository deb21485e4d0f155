using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Orders.Processor.Scheduling;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// Runs each message against its saga in one database transaction of its own, or, in a scope marked with an
/// <see cref="ISagaTransactions"/> batch, on the batch's DbContext and transaction without saving or committing. Both
/// commit sites (here and the batch's) write the transaction's timeout rows themselves, just before the commit. Stands in
/// for MassTransit.EntityFrameworkCore (see README.md in this folder).
/// </summary>
internal sealed class EntityFrameworkSagaRepositoryContextFactory<TContext, TSaga>(
    TContext dbContext, ISagaConsumeContextFactory<DbContext, TSaga> consumeContextFactory, CurrentSagaBatch<TSaga> current)
    : ISagaRepositoryContextFactory<TSaga>
    where TContext : DbContext
    where TSaga : class, ISaga
{

    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        return current.Batch is { } batch ? SendInBatch(batch, context, next) : SendInOwnTransaction(context, next);
    }

    /// <summary>The fulfilment saga correlates by id only; query correlation is not supported.</summary>
    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException("Saga queries are not supported; correlate by id.");

    public void Probe(ProbeContext context) => context?.Add("persistence", "entity-framework (Orders.Processor)");

    // No execution strategy: retrying an outage is the caller's one retry policy (the Kafka bridge's, the timeout lease).
    private async Task SendInOwnTransaction<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        // A retried message must not see the entities of the attempt that failed.
        dbContext.ChangeTracker.Clear();
        await using var transaction = await dbContext.Database.BeginTransactionAsync(context.CancellationToken);
        var timeouts = new PendingTimeoutWrites();
        var dbTransaction = transaction.GetDbTransaction();

        await next.Send(new EntityFrameworkSagaRepositoryContext<TSaga, T>(dbContext, context, consumeContextFactory, dbTransaction, timeouts));

        await timeouts.WriteAsync(dbTransaction, context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
    }

    private async Task SendInBatch<T>(SagaBatch<TSaga> batch, ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        // Messages of a batch may be sent at the same time; they take turns on its DbContext.
        await batch.Gate.EnterAsync();
        try
        {
            if (batch.Failed)
            {
                throw new SagaBatchFailedException("An earlier message of the batch failed; its transaction is aborted.");
            }

            try
            {
                await next.Send(new SagaBatchRepositoryContext<TSaga, T>(batch, context, consumeContextFactory));
            }
            catch (Exception exception)
            {
                // Wrapped so the mediator's retry filter sees a failure that is never a conflict: PostgreSQL refuses every
                // further statement of an aborted transaction, so only a rollback and a fresh start can help.
                batch.Failed = true;
                throw new SagaBatchFailedException("A message of the saga batch failed; the batch rolls back.", exception);
            }
        }
        finally
        {
            batch.Gate.Exit();
        }
    }
}
