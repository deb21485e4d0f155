using System.Buffers;
using System.Globalization;
using System.Numerics;
using Npgsql;
using Npgsql.Schema;
using NpgsqlTypes;

namespace Orders.Relay.Envelope;

/// <summary>One column of the result set as the connector sees it: its schema entry and how its value is written.</summary>
internal sealed class ConnectField
{
    private static readonly DateTime UnixEpoch = DateTime.UnixEpoch;

    private ConnectField(string name, int ordinal, ConnectType type, bool optional, int precision, int scale)
    {
        Name = name;
        Ordinal = ordinal;
        Type = type;
        Optional = optional;
        Precision = precision;
        Scale = scale;
    }

    public string Name { get; }

    public int Ordinal { get; }

    public ConnectType Type { get; }

    public bool Optional { get; }

    public int Precision { get; }

    public int Scale { get; }

    /// <summary>
    /// Maps a column the way the connector does. pgjdbc reports a column as "no nulls" only when PostgreSQL knows it
    /// is NOT NULL (or the key); unknown nullability, e.g. a computed expression, makes the field optional.
    /// </summary>
    public static ConnectField From(NpgsqlDbColumn column)
    {
        var ordinal = column.ColumnOrdinal ?? throw new InvalidOperationException($"Column {column.ColumnName} has no ordinal.");
        var optional = column.AllowDBNull != false;
        var type = column.NpgsqlDbType switch
        {
            NpgsqlDbType.Smallint => ConnectType.Int16,
            NpgsqlDbType.Integer => ConnectType.Int32,
            NpgsqlDbType.Bigint => ConnectType.Int64,
            NpgsqlDbType.Boolean => ConnectType.Boolean,
            NpgsqlDbType.Double => ConnectType.Double,
            NpgsqlDbType.Text or NpgsqlDbType.Varchar or NpgsqlDbType.Char or NpgsqlDbType.Json or NpgsqlDbType.Jsonb
                => ConnectType.String,
            NpgsqlDbType.Uuid => ConnectType.Uuid,
            NpgsqlDbType.Bytea => ConnectType.Bytes,
            NpgsqlDbType.Numeric => ConnectType.Decimal,
            NpgsqlDbType.TimestampTz or NpgsqlDbType.Timestamp => ConnectType.Timestamp,
            NpgsqlDbType.Date => ConnectType.Date,
            _ => throw new NotSupportedException(
                $"Column {column.ColumnName} has type {column.DataTypeName}, which the relay does not encode."),
        };

        if (type == ConnectType.Decimal && (column.NumericPrecision is null or 0 || column.NumericScale is null))
        {
            // The connector maps an unconstrained numeric to scale 0 and then fails on the first fractional value.
            throw new NotSupportedException(
                $"Column {column.ColumnName} is an unconstrained numeric; declare it numeric(p,s).");
        }

        return new ConnectField(
            column.ColumnName, ordinal, type, optional, column.NumericPrecision ?? 0, column.NumericScale ?? 0);
    }

    /// <summary>The field's entry in the struct schema's "fields" array.</summary>
    public void WriteSchema(IBufferWriter<byte> output)
    {
        var (connectType, logicalName) = Type switch
        {
            ConnectType.Int16 => ("int16", null),
            ConnectType.Int32 => ("int32", null),
            ConnectType.Int64 => ("int64", null),
            ConnectType.Boolean => ("boolean", null),
            ConnectType.Double => ("double", null),
            ConnectType.String or ConnectType.Uuid => ("string", null),
            ConnectType.Bytes => ("bytes", null),
            ConnectType.Decimal => ("bytes", "org.apache.kafka.connect.data.Decimal"),
            ConnectType.Timestamp => ("int64", "org.apache.kafka.connect.data.Timestamp"),
            ConnectType.Date => ("int32", "org.apache.kafka.connect.data.Date"),
            _ => throw new InvalidOperationException($"Unknown type {Type}."),
        };

        JacksonJson.WriteAscii(output, "{\"type\":\"" + connectType + "\",\"optional\":" + (Optional ? "true" : "false"));
        if (logicalName is not null)
        {
            JacksonJson.WriteAscii(output, ",\"name\":\"" + logicalName + "\",\"version\":1");
        }

        if (Type == ConnectType.Decimal)
        {
            JacksonJson.WriteAscii(output, string.Create(
                CultureInfo.InvariantCulture,
                $",\"parameters\":{{\"scale\":\"{Scale}\",\"connect.decimal.precision\":\"{Precision}\"}}"));
        }

        JacksonJson.WriteAscii(output, ",\"field\":");
        JacksonJson.WriteString(output, Name);
        JacksonJson.WriteByte(output, (byte)'}');
    }

    /// <summary>The field's value in the "payload" object.</summary>
    public void WriteValue(NpgsqlDataReader row, IBufferWriter<byte> output)
    {
        if (row.IsDBNull(Ordinal))
        {
            JacksonJson.WriteAscii(output, "null");
            return;
        }

        switch (Type)
        {
            case ConnectType.Int16:
                WriteInteger(output, row.GetInt16(Ordinal));
                break;
            case ConnectType.Int32:
                WriteInteger(output, row.GetInt32(Ordinal));
                break;
            case ConnectType.Int64:
                WriteInteger(output, row.GetInt64(Ordinal));
                break;
            case ConnectType.Boolean:
                JacksonJson.WriteAscii(output, row.GetBoolean(Ordinal) ? "true" : "false");
                break;
            case ConnectType.Double:
                JacksonJson.WriteDouble(output, row.GetDouble(Ordinal));
                break;
            case ConnectType.String:
                // jsonb arrives as PostgreSQL's own text (what pgjdbc's getString returns); it is never re-serialized.
                JacksonJson.WriteString(output, row.GetString(Ordinal));
                break;
            case ConnectType.Uuid:
                JacksonJson.WriteString(output, row.GetGuid(Ordinal).ToString("D"));
                break;
            case ConnectType.Bytes:
                JacksonJson.WriteString(output, Convert.ToBase64String(row.GetFieldValue<byte[]>(Ordinal)));
                break;
            case ConnectType.Decimal:
                JacksonJson.WriteString(output, Convert.ToBase64String(UnscaledBytes(row.GetDecimal(Ordinal), Scale)));
                break;
            case ConnectType.Timestamp:
                // timestamp without time zone is read as if it were UTC (db.timezone=UTC); Npgsql gives both as DateTime.
                WriteInteger(output, FloorEpochMilliseconds(row.GetFieldValue<DateTime>(Ordinal)));
                break;
            case ConnectType.Date:
                WriteInteger(output, row.GetFieldValue<DateOnly>(Ordinal).DayNumber - DateOnly.FromDateTime(UnixEpoch).DayNumber);
                break;
            default:
                throw new InvalidOperationException($"Unknown type {Type}.");
        }
    }

    /// <summary>
    /// Epoch milliseconds floored like <c>java.sql.Timestamp.getTime()</c>: 1969-12-31 23:59:59.9995 is -1, not 0.
    /// </summary>
    public static long FloorEpochMilliseconds(DateTime value)
    {
        var ticks = value.Ticks - UnixEpoch.Ticks;
        var milliseconds = ticks / TimeSpan.TicksPerMillisecond;
        return ticks % TimeSpan.TicksPerMillisecond < 0 ? milliseconds - 1 : milliseconds;
    }

    /// <summary>
    /// <c>BigDecimal.unscaledValue().toByteArray()</c> at the column's scale: minimal big-endian two's complement.
    /// </summary>
    public static byte[] UnscaledBytes(decimal value, int scale)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        var valueScale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0)
        {
            mantissa = -mantissa;
        }

        var unscaled = valueScale <= scale
            ? mantissa * BigInteger.Pow(10, scale - valueScale)
            : BigInteger.DivRem(mantissa, BigInteger.Pow(10, valueScale - scale), out var remainder) is var quotient && remainder.IsZero
                ? quotient
                : throw new InvalidOperationException($"{value} has more than {scale} decimals.");
        return unscaled.ToByteArray(isUnsigned: false, isBigEndian: true);
    }

    private static void WriteInteger(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        value.TryFormat(span, out var written, provider: CultureInfo.InvariantCulture);
        output.Advance(written);
    }
}
