using System.Globalization;
using MassTransit;

namespace Orders.Processor.History;

/// <summary>The headers a sender sets so that <see cref="OrderHistoryRecorder"/> knows where an event was read.</summary>
public static class OrderHistoryHeaders
{
    public const string KafkaPartition = "Orders-Kafka-Partition";
    public const string KafkaOffset = "Orders-Kafka-Offset";

    /// <summary>A send pipe for <c>IMediator.Send</c> that stamps the Kafka position of the record being applied.</summary>
    public static IPipe<SendContext> FromKafka(int partition, long offset) => Pipe.Execute<SendContext>(send =>
    {
        send.Headers.Set(KafkaPartition, partition.ToString(CultureInfo.InvariantCulture));
        send.Headers.Set(KafkaOffset, offset.ToString(CultureInfo.InvariantCulture));
    });
}
