using System.Collections.Frozen;
using System.Text.Json;

namespace Orders.Contracts;

/// <summary>
/// The outbox contract: the <c>type</c> column holds one of these names and the <c>payload</c> column the event as
/// JSON written with <see cref="JsonOptions"/>.
/// </summary>
public static class OrderEventTypes
{
    /// <summary>Event name (the outbox <c>type</c> value) to its CLR type.</summary>
    public static FrozenDictionary<string, Type> ByName { get; } = new[]
    {
        typeof(OrderSubmitted), typeof(OrderPaid), typeof(OrderShipped), typeof(OrderDelivered), typeof(OrderCancelled),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The JSON settings of outbox payloads: camelCase names, numbers as JSON numbers.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>The outbox <c>type</c> value of an event.</summary>
    public static string NameOf(IOrderEvent orderEvent)
    {
        ArgumentNullException.ThrowIfNull(orderEvent);
        return orderEvent.GetType().Name;
    }
}
