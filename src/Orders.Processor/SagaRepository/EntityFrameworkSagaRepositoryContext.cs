using System.Data.Common;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Orders.Processor.Scheduling;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// The saga operations of one message in a transaction of its own: each change is saved at once, and a first insert
/// that loses to a concurrent one is detached so MassTransit loads the winner's row. The DbContext, the transaction and
/// its <see cref="PendingTimeoutWrites"/> are payloads, so the saga pipe can enlist other work in the transaction.
/// </summary>
internal sealed class EntityFrameworkSagaRepositoryContext<TSaga, TMessage> :
    ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly DbContext dbContext;
    private readonly ISagaConsumeContextFactory<DbContext, TSaga> factory;

    public EntityFrameworkSagaRepositoryContext(
        DbContext dbContext,
        ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<DbContext, TSaga> factory,
        DbTransaction transaction,
        PendingTimeoutWrites timeouts)
        : base(consumeContext, dbContext, transaction, timeouts)
    {
        this.dbContext = dbContext;
        this.factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(dbContext, this, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        var entry = await dbContext.Set<TSaga>().AddAsync(instance, CancellationToken);
        try
        {
            await dbContext.SaveChangesAsync(CancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone else inserted it first (EF rolled back to its savepoint); MassTransit then loads the winner's row.
            entry.State = EntityState.Detached;
            return null!;
        }

        return await factory.CreateSagaConsumeContext(dbContext, this, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        var instance = await dbContext.Set<TSaga>().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, CancellationToken);
        return instance is null
            ? null!
            : await factory.CreateSagaConsumeContext(dbContext, this, instance, SagaConsumeContextMode.Load);
    }

    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await dbContext.Set<TSaga>().AddAsync(context.Saga, CancellationToken);
        await dbContext.SaveChangesAsync(CancellationToken);
    }

    public Task Update(SagaConsumeContext<TSaga> context) => dbContext.SaveChangesAsync(CancellationToken);

    public async Task Delete(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        dbContext.Set<TSaga>().Remove(context.Saga);
        await dbContext.SaveChangesAsync(CancellationToken);
    }

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SagaEntries.Undo(dbContext, context.Saga);
        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(
        ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(dbContext, consumeContext, instance, mode);
}
