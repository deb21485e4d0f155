using System.Data.Common;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// The saga operations of one message, on the message's DbContext and inside its transaction. The transaction is a
/// payload of this context, and the saga contexts made here wrap this context, so the saga pipe can enlist other work
/// in the transaction. Inside a <see cref="SagaBatch{TSaga}"/> the saga rows come from the batch's up-front read, stay
/// tracked across its messages and are written by the batch's one SaveChanges before it commits; a failed insert is
/// not recovered (the batch rolls back instead).
/// </summary>
public sealed class EntityFrameworkSagaRepositoryContext<TSaga, TMessage> :
    ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly DbContext dbContext;
    private readonly ISagaConsumeContextFactory<DbContext, TSaga> factory;
    private readonly SagaBatch<TSaga>? batch;

    internal EntityFrameworkSagaRepositoryContext(
        DbContext dbContext,
        ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<DbContext, TSaga> factory,
        DbTransaction transaction,
        SagaBatch<TSaga>? batch)
        : base(consumeContext, dbContext, transaction)
    {
        this.dbContext = dbContext;
        this.factory = factory;
        this.batch = batch;
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
        catch (DbUpdateException) when (batch is null)
        {
            // Someone else inserted it first (EF rolled back to its savepoint); MassTransit then loads the winner's row.
            entry.State = EntityState.Detached;
            return null!;
        }

        batch?.Remember(instance.CorrelationId, instance);
        return await factory.CreateSagaConsumeContext(dbContext, this, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        TSaga? instance;
        if (batch is not null && batch.TryGet(correlationId, out instance))
        {
        }
        else
        {
            instance = await dbContext.Set<TSaga>().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, CancellationToken);
            batch?.Remember(correlationId, instance);
        }

        return instance is null
            ? null!
            : await factory.CreateSagaConsumeContext(dbContext, this, instance, SagaConsumeContextMode.Load);
    }

    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await dbContext.Set<TSaga>().AddAsync(context.Saga, CancellationToken);
        if (batch is null)
        {
            await dbContext.SaveChangesAsync(CancellationToken);
        }
        else
        {
            batch.Remember(context.Saga.CorrelationId, context.Saga);
        }
    }

    public Task Update(SagaConsumeContext<TSaga> context) => batch is null ? dbContext.SaveChangesAsync(CancellationToken) : Task.CompletedTask;

    public async Task Delete(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        dbContext.Set<TSaga>().Remove(context.Saga);
        if (batch is null)
        {
            await dbContext.SaveChangesAsync(CancellationToken);
        }
        else
        {
            batch.Remember(context.Saga.CorrelationId, null);
        }
    }

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var entry = dbContext.ChangeTracker.Entries<TSaga>().FirstOrDefault(e => e.Entity.CorrelationId == context.Saga.CorrelationId);
        if (entry is not null)
        {
            entry.State = EntityState.Unchanged;
        }

        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(
        ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(dbContext, consumeContext, instance, mode);
}
