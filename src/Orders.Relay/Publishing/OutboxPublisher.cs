using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Orders.Relay.Outbox;
using Orders.ServiceDefaults.Telemetry;

namespace Orders.Relay.Publishing;

/// <summary>
/// Produces a batch without waiting per record and completes when Kafka has acknowledged every one of them.
/// </summary>
internal sealed class OutboxPublisher(IProducer<byte[]?, byte[]> producer, IOptions<RelayOptions> options)
{
    public Task PublishAsync(IReadOnlyList<OutboxRecord> batch, CancellationToken cancellationToken)
    {
        var topic = options.Value.Topic;
        var acknowledgements = new BatchAcknowledgements(batch.Count);
        foreach (var record in batch)
        {
            var span = StartPublishSpan(record, topic);
            // The one header the connector's HeaderFrom transform adds, always, with a null value for an untraced row;
            // no timestamp: the connector sets none, so the producer stamps CreateTime.
            var headers = new Headers
            {
                { TraceParent.HeaderName, record.Traceparent is null ? null : Encoding.UTF8.GetBytes(record.Traceparent) },
            };
            producer.Produce(
                topic,
                new Message<byte[]?, byte[]> { Key = record.Key, Value = record.Value, Headers = headers },
                report =>
                {
                    EndPublishSpan(span, report);
                    acknowledgements.Report(report);
                });
        }

        return acknowledgements.Completion.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until every record produced so far is acknowledged; false if some are still pending.</summary>
    public bool Flush(TimeSpan timeout) => producer.Flush(timeout) == 0;

    /// <summary>
    /// The row's publication as a span of the writer's trace; the header keeps the writer's context, as the connector
    /// would, so the processor's span is a sibling of this one. None for an untraced row.
    /// </summary>
    private static Activity? StartPublishSpan(OutboxRecord record, string topic)
    {
        var parent = TraceParent.Parse(record.Traceparent);
        if (parent == default)
        {
            return null;
        }

        // Not made current: the spans of a batch are siblings in different traces, ended by delivery reports.
        var previous = Activity.Current;
        var span = RelayMetrics.ActivitySource.StartActivity("publish " + topic, ActivityKind.Producer, parent);
        Activity.Current = previous;
        span?.SetTag("messaging.system", "kafka");
        span?.SetTag("messaging.destination.name", topic);
        return span;
    }

    private static void EndPublishSpan(Activity? span, DeliveryReport<byte[]?, byte[]> report)
    {
        if (span is null)
        {
            return;
        }

        if (report.Error.IsError)
        {
            span.SetStatus(ActivityStatusCode.Error, report.Error.Reason);
        }
        else
        {
            span.SetTag("messaging.destination.partition.id", report.Partition.Value);
            span.SetTag("messaging.kafka.offset", report.Offset.Value);
        }

        span.Dispose();
    }

    /// <summary>Counts delivery reports; completes after the last one, faulted if any record failed.</summary>
    private sealed class BatchAcknowledgements(int count)
    {
        private readonly TaskCompletionSource completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int remaining = count;
        private Error? firstError;

        public Task Completion => completion.Task;

        public void Report(DeliveryReport<byte[]?, byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref firstError, report.Error, null);
            }

            if (Interlocked.Decrement(ref remaining) == 0)
            {
                if (firstError is null)
                {
                    completion.SetResult();
                }
                else
                {
                    completion.SetException(new KafkaException(firstError));
                }
            }
        }
    }
}
