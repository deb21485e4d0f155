using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// Runs a batch of saga messages in one transaction on one DbContext, which
/// <see cref="EntityFrameworkSagaRepositoryContextFactory{TContext, TSaga}"/> picks up while the batch is ambient.
/// </summary>
public sealed class EntityFrameworkSagaTransactions<TContext, TSaga>(IServiceScopeFactory scopeFactory) : ISagaTransactions
    where TContext : DbContext
    where TSaga : class, ISaga
{
    public async Task RunAsync(IReadOnlyCollection<Guid> correlationIds, Func<Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(correlationIds);
        ArgumentNullException.ThrowIfNull(body);

        await using var scope = scopeFactory.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TContext>();
        // Any failure rolls the whole batch back, so a savepoint per SaveChanges would only cost two round trips.
        dbContext.Database.AutoSavepointsEnabled = false;
        var strategy = dbContext.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            dbContext.ChangeTracker.Clear();
            await using var transaction = await dbContext.Database.BeginTransactionAsync(cancellationToken);
            var batch = new SagaBatch<TSaga>(dbContext, transaction.GetDbTransaction());
            await batch.PreloadAsync(correlationIds, cancellationToken);

            SagaBatch<TSaga>.Current = batch;
            try
            {
                await body();
            }
            finally
            {
                SagaBatch<TSaga>.Current = null;
            }

            // PostgreSQL answers COMMIT of an aborted transaction with a silent rollback; never report that as applied.
            if (batch.Failed)
            {
                throw new SagaBatchFailedException("A message of the batch failed and its error was swallowed; nothing was committed.");
            }

            await dbContext.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
    }
}
