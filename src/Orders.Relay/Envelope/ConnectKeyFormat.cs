namespace Orders.Relay.Envelope;

/// <summary>The record key forms the connector's configurations produce (connect-format.md §3).</summary>
internal enum ConnectKeyFormat
{
    /// <summary>ValueToKey then ExtractField$Key: the field's value alone, e.g. <c>42</c> (the shipped configuration).</summary>
    Plain,

    /// <summary>ValueToKey alone: <c>Struct.toString()</c>, e.g. <c>Struct{user_id=42}</c> (the seed's configuration).</summary>
    Struct,
}
