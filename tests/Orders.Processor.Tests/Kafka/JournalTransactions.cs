using MassTransit.Mediator;
using Orders.Processor.SagaRepository;

namespace Orders.Processor.Tests.Kafka;

/// <summary>Stands in for the saga's batch transactions: the journal applies a batch's events only if it completes.</summary>
public sealed class JournalTransactions(EventJournal journal, IMediator mediator) : ISagaTransactions
{
    public Task RunAsync(IReadOnlyCollection<Guid> correlationIds, Func<IMediator, Task> body, CancellationToken cancellationToken) =>
        journal.RunBatchAsync(() => body(mediator));
}
