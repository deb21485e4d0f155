using MassTransit;
using Orders.Contracts;

namespace Orders.Processor.Tests.Kafka;

/// <summary>Stands in for the saga behind the mediator: notes each event in the journal, or throws when told to.</summary>
public sealed class RecordingConsumer<TEvent>(EventJournal journal) : IConsumer<TEvent>
    where TEvent : class, IOrderEvent
{
    public Task Consume(ConsumeContext<TEvent> context) => journal.ApplyAsync(context.Message);
}
