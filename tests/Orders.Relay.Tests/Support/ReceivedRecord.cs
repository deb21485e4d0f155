using System.Text.Json;

namespace Orders.Relay.Tests.Support;

/// <summary>A record read back from the topic, with its headers (a null value kept as null) and when it arrived.</summary>
internal sealed record ReceivedRecord(
    int Partition, long Offset, byte[]? Key, byte[] Value, IReadOnlyList<KeyValuePair<string, byte[]?>> Headers, long ArrivedAt)
{
    public long Id => Payload.GetProperty("id").GetInt64();

    public long TransactionId => Payload.GetProperty("transaction_id").GetInt64();

    private JsonElement Payload => JsonDocument.Parse(Value).RootElement.GetProperty("payload");
}
