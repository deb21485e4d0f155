namespace Orders.Processor.SagaRepository;

/// <summary>
/// Opens one database transaction for several saga messages: every message sent through the mediator while
/// <see cref="RunAsync"/> runs its body is applied on the same DbContext and transaction, which commits once at the
/// end. Lets the Kafka bridge apply a partition's waiting records with one commit instead of one per record.
/// </summary>
public interface ISagaTransactions
{
    /// <summary>
    /// Runs <paramref name="body"/> in one saga transaction and commits it when the body returns. Throws, with nothing
    /// committed, when the body or the commit failed; the body's messages must then be sent again outside a batch.
    /// </summary>
    /// <param name="correlationIds">The sagas the body's messages correlate to, read in one query up front.</param>
    /// <param name="body">Sends the messages; it may run again if the transaction has to be restarted.</param>
    /// <param name="cancellationToken">Cancels opening and committing the transaction.</param>
    Task RunAsync(IReadOnlyCollection<Guid> correlationIds, Func<Task> body, CancellationToken cancellationToken);
}
