using MassTransit;

namespace Orders.Processor.Scheduling;

/// <summary>
/// The bus topology MassTransit's <c>MessageScheduler</c> asks for. The mediator has no bus, and the saga only schedules
/// sends back to itself, so there is no publish address: a scheduled publish fails loudly instead of going nowhere.
/// </summary>
internal sealed class NoPublishTopology : IBusTopology
{
    public static readonly NoPublishTopology Instance = new();

    public IPublishTopology PublishTopology => throw NotSupported();

    public ISendTopology SendTopology => throw NotSupported();

    public IMessagePublishTopology<T> Publish<T>()
        where T : class =>
        throw NotSupported();

    public IMessageSendTopology<T> Send<T>()
        where T : class =>
        throw NotSupported();

    public IMessageTopology<T> Message<T>()
        where T : class =>
        throw NotSupported();

    public bool TryGetPublishAddress(Type messageType, out Uri publishAddress)
    {
        publishAddress = null!;
        return false;
    }

    public bool TryGetPublishAddress<T>(out Uri publishAddress)
        where T : class
    {
        publishAddress = null!;
        return false;
    }

    private static NotSupportedException NotSupported() => new("The mediator has no bus topology; the saga only schedules sends.");
}
