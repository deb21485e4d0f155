using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// Runs each message against its saga in one database transaction inside the execution strategy. Stands in for
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

        var strategy = dbContext.Database.CreateExecutionStrategy();
        return strategy.ExecuteAsync(async () =>
        {
            // A retried attempt must not see the entities of the attempt that failed.
            dbContext.ChangeTracker.Clear();
            await using var transaction = await dbContext.Database.BeginTransactionAsync(context.CancellationToken);

            var repositoryContext = new EntityFrameworkSagaRepositoryContext<TSaga, T>(
                dbContext, context, consumeContextFactory, transaction.GetDbTransaction());
            await next.Send(repositoryContext);

            await transaction.CommitAsync(context.CancellationToken);
        });
    }

    /// <summary>The fulfilment saga correlates by id only; query correlation is not supported.</summary>
    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class =>
        throw new NotSupportedException("Saga queries are not supported; correlate by id.");

    public void Probe(ProbeContext context) => context?.Add("persistence", "entity-framework (Orders.Processor)");
}
