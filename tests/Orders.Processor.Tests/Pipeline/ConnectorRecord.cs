using Orders.Contracts;
using Orders.Processor.Tests.Kafka;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>One outbox row as the JDBC source connector puts it on the topic: key and value bytes.</summary>
internal sealed record ConnectorRecord(byte[] Key, byte[] Value)
{
    /// <summary>Our connector (query mode): plain user id key, seven-field envelope without a schema name.</summary>
    public static ConnectorRecord QueryMode(IOrderEvent orderEvent, long id) =>
        new(OutboxRecordBytes.PlainKey(orderEvent.UserId), OutboxRecordBytes.QueryMode(id, orderEvent, 1000 + id));

    /// <summary>The seed's connector (table mode): <c>Struct{user_id=N}</c> key, six-field envelope named "outbox".</summary>
    public static ConnectorRecord TableMode(IOrderEvent orderEvent, long id) =>
        new(OutboxRecordBytes.StructKey(orderEvent.UserId), OutboxRecordBytes.TableMode(id, orderEvent));
}
