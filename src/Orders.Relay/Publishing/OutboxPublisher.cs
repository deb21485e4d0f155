using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Orders.Relay.Outbox;

namespace Orders.Relay.Publishing;

/// <summary>
/// Produces a batch without waiting per record and completes when Kafka has acknowledged every one of them.
/// </summary>
internal sealed class OutboxPublisher(IProducer<byte[]?, byte[]> producer, IOptions<RelayOptions> options)
{
    public Task PublishAsync(IReadOnlyList<OutboxRecord> batch, CancellationToken cancellationToken)
    {
        var acknowledgements = new BatchAcknowledgements(batch.Count);
        foreach (var record in batch)
        {
            // No headers and no timestamp: the connector sets neither, so the producer stamps CreateTime.
            producer.Produce(
                options.Value.Topic,
                new Message<byte[]?, byte[]> { Key = record.Key, Value = record.Value },
                acknowledgements.Report);
        }

        return acknowledgements.Completion.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until every record produced so far is acknowledged; false if some are still pending.</summary>
    public bool Flush(TimeSpan timeout) => producer.Flush(timeout) == 0;

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
