using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Orders.Processor.Kafka;

/// <summary>
/// Copies a record that can never be applied to <see cref="KafkaOptions.DeadLetterTopic"/> with its key, value and
/// headers plus the <c>dlq-*</c> headers saying why and where it came from, and returns once all in-sync replicas have it.
/// </summary>
internal sealed class DeadLetterWriter(
    KafkaOptions options,
    IProducer<byte[], byte[]> producer,
    RecordRetryPolicy retry,
    KafkaConsumerMetrics metrics,
    ILogger logger)
{
    public async Task WriteAsync(ConsumeResult<byte[], byte[]> record, string reason, string error, PartitionStopSignal stop)
    {
        var headers = new Headers();
        foreach (var header in record.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add("dlq-reason", Encoding.UTF8.GetBytes(reason));
        headers.Add("dlq-error", Encoding.UTF8.GetBytes(error));
        headers.Add("dlq-original-topic", Encoding.UTF8.GetBytes(record.Topic));
        headers.Add("dlq-original-partition", Encoding.UTF8.GetBytes(record.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add("dlq-original-offset", Encoding.UTF8.GetBytes(record.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add("dlq-consumer-group", Encoding.UTF8.GetBytes(options.GroupId));
        var message = new Message<byte[], byte[]>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Headers = headers,
            Timestamp = record.Message.Timestamp,
        };

        // A broker that refuses is always worth another attempt: the partition must not pass a record that is nowhere.
        await retry.RunAsync(
            ct => producer.ProduceAsync(options.DeadLetterTopic, message, ct),
            _ => true,
            (attempt, delay, exception) => KafkaLog.DeadLetterFailed(
                logger, record.Topic, record.Partition.Value, record.Offset.Value, attempt, delay, exception),
            stop);
        metrics.RecordDeadLettered(reason);
        KafkaLog.DeadLettered(logger, record.Topic, record.Partition.Value, record.Offset.Value, options.DeadLetterTopic, reason, error);
    }
}
