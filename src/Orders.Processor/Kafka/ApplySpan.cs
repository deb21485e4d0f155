using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Orders.Contracts;
using Orders.ServiceDefaults.Telemetry;

namespace Orders.Processor.Kafka;

/// <summary>
/// A record's application as a span of the trace its outbox row carries (the <c>traceparent</c> header), so one trace
/// follows an order change from the API's request to the saga's commit.
/// </summary>
internal static class ApplySpan
{
    /// <summary>
    /// Starts the span without making it current, because a batch holds records of several traces; none for an
    /// untraced record.
    /// </summary>
    public static Activity? Start(ConsumeResult<byte[], byte[]> record, IOrderEvent orderEvent)
    {
        var headers = record.Message.Headers;
        var parent = headers is not null && headers.TryGetLastBytes(TraceParent.HeaderName, out var bytes) && bytes is not null
            ? TraceParent.Parse(Encoding.UTF8.GetString(bytes))
            : default;
        if (parent == default)
        {
            return null;
        }

        var previous = Activity.Current;
        var span = OrdersProcessorMetrics.ActivitySource.StartActivity(
            "apply " + orderEvent.GetType().Name, ActivityKind.Consumer, parent);
        Activity.Current = previous;
        span?.SetTag("messaging.system", "kafka");
        span?.SetTag("messaging.destination.partition.id", record.Partition.Value);
        span?.SetTag("messaging.kafka.offset", record.Offset.Value);
        span?.SetTag("orders.order_id", orderEvent.OrderId);
        return span;
    }

    /// <summary>Ends the spans of a saga transaction once it committed or rolled back, so each covers the commit.</summary>
    public static void EndAll(IEnumerable<Activity?> spans, Exception? failure)
    {
        foreach (var span in spans.OfType<Activity>())
        {
            if (failure is not null)
            {
                span.SetStatus(ActivityStatusCode.Error, failure.Message);
            }

            span.Dispose();
        }
    }
}
