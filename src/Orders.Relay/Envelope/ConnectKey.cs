using System.Globalization;
using System.Text;
using Npgsql;

namespace Orders.Relay.Envelope;

/// <summary>
/// The record key as StringConverter writes it: the UTF-8 of the key's Java <c>toString()</c>.
/// </summary>
internal sealed class ConnectKey
{
    private readonly ConnectField field;
    private readonly ConnectKeyFormat format;

    private ConnectKey(ConnectField field, ConnectKeyFormat format)
    {
        this.field = field;
        this.format = format;
    }

    public static ConnectKey Create(ConnectEnvelope envelope, string fieldName, ConnectKeyFormat format)
    {
        var field = envelope.Fields.FirstOrDefault(f => f.Name == fieldName)
            ?? throw new InvalidOperationException($"The result set has no column {fieldName} for the record key.");
        if (field.Type is not (ConnectType.Int16 or ConnectType.Int32 or ConnectType.Int64 or ConnectType.String))
        {
            throw new NotSupportedException($"The key column {fieldName} must be an integer or text column.");
        }

        return new ConnectKey(field, format);
    }

    /// <summary>The key of the current row; <c>null</c> for a SQL NULL in plain form, as ExtractField yields null.</summary>
    public byte[]? Encode(NpgsqlDataReader row)
    {
        var value = row.IsDBNull(field.Ordinal)
            ? null
            : field.Type == ConnectType.String
                ? row.GetString(field.Ordinal)
                : Convert.ToInt64(row.GetValue(field.Ordinal), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        return format switch
        {
            ConnectKeyFormat.Plain => value is null ? null : Encoding.UTF8.GetBytes(value),
            // Struct.toString() leaves null fields out.
            _ => Encoding.UTF8.GetBytes(value is null ? "Struct{}" : "Struct{" + field.Name + "=" + value + "}"),
        };
    }
}
