using MassTransit;
using MassTransit.Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// Runs a batch of saga messages in one transaction on one DbContext: the body gets the mediator of a DI scope marked
/// with the batch (<see cref="CurrentSagaBatch{TSaga}"/>), so the repository resolved for each of its messages applies
/// it there. Every attempt is a fresh scope, DbContext and read of the rows.
/// </summary>
public sealed class EntityFrameworkSagaTransactions<TContext, TSaga>(IServiceScopeFactory scopeFactory) : ISagaTransactions
    where TContext : DbContext
    where TSaga : class, ISaga
{
    public async Task RunAsync(IReadOnlyCollection<Guid> correlationIds, Func<IMediator, Task> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(correlationIds);
        ArgumentNullException.ThrowIfNull(body);

        await using var scope = scopeFactory.CreateAsyncScope();
        var dbContext = scope.ServiceProvider.GetRequiredService<TContext>();
        // Any failure rolls the whole batch back, so a savepoint per SaveChanges would only cost two round trips.
        dbContext.Database.AutoSavepointsEnabled = false;
        await using var transaction = await dbContext.Database.BeginTransactionAsync(cancellationToken);
        using var batch = new SagaBatch<TSaga>(dbContext, transaction.GetDbTransaction());
        await batch.PreloadAsync(correlationIds, cancellationToken);
        scope.ServiceProvider.GetRequiredService<CurrentSagaBatch<TSaga>>().Batch = batch;

        await body(scope.ServiceProvider.GetRequiredService<IScopedMediator>());

        // PostgreSQL answers COMMIT of an aborted transaction with a silent rollback; never report that as applied.
        if (batch.Failed)
        {
            throw new SagaBatchFailedException("A message of the batch failed and its error was swallowed; nothing was committed.");
        }

        await dbContext.SaveChangesAsync(cancellationToken);
        await batch.Timeouts.WriteAsync(batch.Transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
