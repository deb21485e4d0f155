using Orders.Processor.Fulfilment;

namespace Orders.Processor.History;

public static class OrderHistoryExtensions
{
    /// <summary>
    /// Connects the <see cref="OrderHistoryRecorder"/> to the fulfilment state machine once, before the first message,
    /// so every applied event is written to <c>fulfilment.order_history</c> in the saga's transaction.
    /// </summary>
    public static void RecordOrderHistory(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var machine = services.GetRequiredService<OrderFulfilmentStateMachine>();
        machine.ConnectEventObserver(services.GetRequiredService<OrderHistoryRecorder>());
    }
}
