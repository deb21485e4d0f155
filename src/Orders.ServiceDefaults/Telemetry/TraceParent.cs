using System.Diagnostics;

namespace Orders.ServiceDefaults.Telemetry;

/// <summary>
/// The W3C <c>traceparent</c> that an outbox row, its Kafka record and a timeout row carry, so one order change is one
/// trace from its HTTP request to the saga.
/// </summary>
public static class TraceParent
{
    /// <summary>The record header (and outbox column) name.</summary>
    public const string HeaderName = "traceparent";

    /// <summary>The current span as a <c>traceparent</c>, or null when there is none (nothing listens).</summary>
    public static string? OfCurrent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>The span context <paramref name="traceparent"/> names; default when it is missing or malformed.</summary>
    public static ActivityContext Parse(string? traceparent) =>
        ActivityContext.TryParse(traceparent, traceState: null, isRemote: true, out var context) ? context : default;
}
