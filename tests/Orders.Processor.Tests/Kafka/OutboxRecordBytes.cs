using System.Text;
using System.Text.Json;
using Orders.Contracts;

namespace Orders.Processor.Tests.Kafka;

/// <summary>Builds records byte for byte as the JDBC source connector writes them (docs: connect-format.md).</summary>
internal static class OutboxRecordBytes
{
    /// <summary>The seed's table mode: schema named "outbox", six fields.</summary>
    public const string TableModeSchema =
        """{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"user_id"},{"type":"string","optional":false,"field":"aggregate_id"},{"type":"string","optional":false,"field":"type"},{"type":"string","optional":false,"field":"payload"},{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"outbox"}""";

    /// <summary>Our query mode: no schema name, seven fields ending in transaction_id.</summary>
    public const string QueryModeSchema =
        """{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"user_id"},{"type":"string","optional":false,"field":"aggregate_id"},{"type":"string","optional":false,"field":"type"},{"type":"string","optional":false,"field":"payload"},{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"},{"type":"int64","optional":false,"field":"transaction_id"}],"optional":false}""";

    public static byte[] PlainKey(long userId) => Encoding.UTF8.GetBytes(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static byte[] StructKey(long userId) => Encoding.UTF8.GetBytes($"Struct{{user_id={userId}}}");

    public static byte[] QueryMode(long id, IOrderEvent orderEvent, long transactionId) =>
        Envelope(QueryModeSchema, Row(id, orderEvent, transactionId));

    public static byte[] TableMode(long id, IOrderEvent orderEvent) => Envelope(TableModeSchema, Row(id, orderEvent, null));

    public static string Row(long id, IOrderEvent orderEvent, long? transactionId) =>
        Row(id, orderEvent.UserId, orderEvent.OrderId, OrderEventTypes.NameOf(orderEvent), Payload(orderEvent), orderEvent.OccurredAt, transactionId);

    public static string Row(long id, long userId, Guid aggregateId, string type, string payload, DateTimeOffset createdAt, long? transactionId) =>
        $$"""{"id":{{id}},"user_id":{{userId}},"aggregate_id":"{{aggregateId}}","type":{{JsonSerializer.Serialize(type)}},"payload":{{JsonSerializer.Serialize(payload)}},"created_at":{{createdAt.ToUnixTimeMilliseconds()}}{{(transactionId is { } t ? $",\"transaction_id\":{t}" : "")}}}""";

    public static string Payload(IOrderEvent orderEvent) =>
        JsonSerializer.Serialize(orderEvent, orderEvent.GetType(), OrderEventTypes.JsonOptions);

    public static byte[] Envelope(string schema, string row) => Encoding.UTF8.GetBytes($$"""{"schema":{{schema}},"payload":{{row}}}""");
}
