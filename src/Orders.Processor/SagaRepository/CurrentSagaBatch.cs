using MassTransit;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// The batch a DI scope belongs to, if any: <see cref="EntityFrameworkSagaTransactions{TContext, TSaga}"/> sets it on
/// the scope whose mediator it hands to its body, and the repository resolved in that scope applies every message in
/// the batch. Scopes MassTransit opens per message (timeout deliveries, single sends) have none.
/// </summary>
internal sealed class CurrentSagaBatch<TSaga>
    where TSaga : class, ISaga
{
    public SagaBatch<TSaga>? Batch { get; set; }
}
