namespace Orders.Relay.Envelope;

/// <summary>How the JDBC source connector maps a PostgreSQL column to a Connect schema (connect-format.md §2.3).</summary>
internal enum ConnectType
{
    Int16,
    Int32,
    Int64,
    Boolean,
    Double,
    String,
    Uuid,
    Bytes,
    Decimal,
    Timestamp,
    Date,
}
