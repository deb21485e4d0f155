using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// The saga operations of one message inside a <see cref="SagaBatch{TSaga}"/>: rows come from the batch's up-front read,
/// stay tracked across its messages and are written by the batch's one SaveChanges before it commits. A failed insert is
/// not recovered (the batch rolls back instead). The batch's DbContext, transaction and timeout writes are payloads, as
/// in <see cref="EntityFrameworkSagaRepositoryContext{TSaga, TMessage}"/>, and so is its <see cref="SagaBatchGate"/>.
/// </summary>
internal sealed class SagaBatchRepositoryContext<TSaga, TMessage> :
    ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    private readonly SagaBatch<TSaga> batch;
    private readonly ISagaConsumeContextFactory<DbContext, TSaga> factory;

    public SagaBatchRepositoryContext(
        SagaBatch<TSaga> batch, ConsumeContext<TMessage> consumeContext, ISagaConsumeContextFactory<DbContext, TSaga> factory)
        : base(consumeContext, batch.DbContext, batch.Transaction, batch.Timeouts, batch.Gate)
    {
        this.batch = batch;
        this.factory = factory;
    }

    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        factory.CreateSagaConsumeContext(batch.DbContext, this, instance, SagaConsumeContextMode.Add);

    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        await batch.DbContext.Set<TSaga>().AddAsync(instance, CancellationToken);
        await batch.DbContext.SaveChangesAsync(CancellationToken);
        batch.Remember(instance.CorrelationId, instance);
        return await factory.CreateSagaConsumeContext(batch.DbContext, this, instance, SagaConsumeContextMode.Insert);
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        if (!batch.TryGet(correlationId, out var instance))
        {
            instance = await batch.DbContext.Set<TSaga>().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, CancellationToken);
            batch.Remember(correlationId, instance);
        }

        return instance is null
            ? null!
            : await factory.CreateSagaConsumeContext(batch.DbContext, this, instance, SagaConsumeContextMode.Load);
    }

    public async Task Save(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await batch.DbContext.Set<TSaga>().AddAsync(context.Saga, CancellationToken);
        batch.Remember(context.Saga.CorrelationId, context.Saga);
    }

    public Task Update(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Delete(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        batch.DbContext.Set<TSaga>().Remove(context.Saga);
        batch.Remember(context.Saga.CorrelationId, null);
        return Task.CompletedTask;
    }

    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SagaEntries.Undo(batch.DbContext, context.Saga);
        return Task.CompletedTask;
    }

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(
        ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        factory.CreateSagaConsumeContext(batch.DbContext, consumeContext, instance, mode);
}
