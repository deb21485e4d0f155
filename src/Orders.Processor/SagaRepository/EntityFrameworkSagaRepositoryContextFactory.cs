using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// Runs each message against its saga in one database transaction inside the execution strategy, or, inside an
/// <see cref="ISagaTransactions"/> batch, on the batch's DbContext and transaction without saving or committing. Stands in for
/// MassTransit.EntityFrameworkCore (see README.md in this folder).
/// </summary>
public sealed class EntityFrameworkSagaRepositoryContextFactory<TContext, TSaga>(
    TContext dbContext, ISagaConsumeContextFactory<DbContext, TSaga> consumeContextFactory)
    : ISagaRepositoryContextFactory<TSaga>
    where TContext : DbContext
    where TSaga : class, ISaga
{
    public Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        return SagaBatch<TSaga>.Current is { } batch ? SendInBatch(batch, context, next) : SendInOwnTransaction(context, next);
    }

    /// <summary>The fulfilment saga correlates by id only; query correlation is not supported.</summary>
    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException("Saga queries are not supported; correlate by id.");

    public void Probe(ProbeContext context) => context?.Add("persistence", "entity-framework (Orders.Processor)");

    private Task SendInOwnTransaction<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        var strategy = dbContext.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async () =>
        {
            // A retried attempt must not see the entities of the attempt that failed.
            dbContext.ChangeTracker.Clear();
            await using var transaction = await dbContext.Database.BeginTransactionAsync(context.CancellationToken);

            var repositoryContext = new EntityFrameworkSagaRepositoryContext<TSaga, T>(
                dbContext, context, consumeContextFactory, transaction.GetDbTransaction(), batch: null);
            await next.Send(repositoryContext);

            await transaction.CommitAsync(context.CancellationToken);
        });
    }

    private async Task SendInBatch<T>(SagaBatch<TSaga> batch, ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        if (batch.Failed)
        {
            throw new SagaBatchFailedException("An earlier message of the batch failed; its transaction is aborted.");
        }

        var repositoryContext = new EntityFrameworkSagaRepositoryContext<TSaga, T>(
            batch.DbContext, context, consumeContextFactory, batch.Transaction, batch);
        try
        {
            await next.Send(repositoryContext);
        }
        catch (Exception exception)
        {
            // Wrapped so the mediator's retry filter sees a failure that is never transient: PostgreSQL refuses every
            // further statement of an aborted transaction, so only a rollback and a fresh start can help.
            batch.Failed = true;
            throw new SagaBatchFailedException("A message of the saga batch failed; the batch rolls back.", exception);
        }
    }
}
