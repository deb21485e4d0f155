using MassTransit.Mediator;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// Opens one database transaction for several saga messages: every message sent through the mediator handed to the
/// body is applied on the same DbContext and transaction, which commits once at the end. Lets the Kafka bridge apply a
/// partition's waiting records with one commit instead of one per record.
/// </summary>
public interface ISagaTransactions
{
    /// <summary>
    /// Runs <paramref name="body"/> in one saga transaction and commits it when the body returns. Throws, with nothing
    /// committed, when the body or the commit failed; the body's messages must then be sent again.
    /// </summary>
    /// <param name="correlationIds">The sagas the body's messages correlate to, read in one query up front.</param>
    /// <param name="body">
    /// Sends the messages through the mediator it is given, which applies them in this transaction. Messages of
    /// different sagas may be sent at the same time: they take turns on the transaction, and a step that waits outside
    /// the process (<see cref="SagaBatchGate"/>) lets the others run meanwhile.
    /// </param>
    /// <param name="cancellationToken">Cancels the transaction (and the messages' sends, which the body passes it to).</param>
    Task RunAsync(IReadOnlyCollection<Guid> correlationIds, Func<IMediator, Task> body, CancellationToken cancellationToken);
}
