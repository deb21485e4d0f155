using System.Buffers;
using Npgsql;
using Npgsql.Schema;

namespace Orders.Relay.Envelope;

/// <summary>
/// Writes a row as Kafka's JsonConverter (schemas enabled) writes the JDBC source connector's struct:
/// <c>{"schema":{...},"payload":{...}}</c>, compact, fields in result-set column order (connect-format.md §2.2).
/// The schema part is the same for every row of a result-set shape, so it is built once.
/// </summary>
internal sealed class ConnectEnvelope
{
    private readonly byte[] prefix;
    private readonly ConnectField[] fields;
    private readonly byte[][] fieldPrefixes;

    private ConnectEnvelope(byte[] prefix, ConnectField[] fields, byte[][] fieldPrefixes)
    {
        this.prefix = prefix;
        this.fields = fields;
        this.fieldPrefixes = fieldPrefixes;
    }

    public IReadOnlyList<ConnectField> Fields => fields;

    /// <param name="columns">
    /// The result set's columns, from a reader executed with <c>CommandBehavior.KeyInfo</c>: without it Npgsql does
    /// not look up NOT NULL, and every field would come out optional.
    /// </param>
    /// <param name="schemaName">
    /// The struct schema's name: the unqualified table name in table mode (<c>outbox</c>), <c>null</c> in query mode,
    /// which leaves the <c>"name"</c> member out.
    /// </param>
    public static ConnectEnvelope Create(IReadOnlyList<NpgsqlDbColumn> columns, string? schemaName)
    {
        var fields = columns.Select(ConnectField.From).ToArray();
        var schema = new ArrayBufferWriter<byte>();
        JacksonJson.WriteAscii(schema, "{\"schema\":{\"type\":\"struct\",\"fields\":[");
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                JacksonJson.WriteByte(schema, (byte)',');
            }

            fields[i].WriteSchema(schema);
        }

        JacksonJson.WriteAscii(schema, "],\"optional\":false");
        if (schemaName is not null)
        {
            JacksonJson.WriteAscii(schema, ",\"name\":");
            JacksonJson.WriteString(schema, schemaName);
        }

        JacksonJson.WriteAscii(schema, "},\"payload\":{");

        var fieldPrefixes = new byte[fields.Length][];
        for (var i = 0; i < fields.Length; i++)
        {
            var member = new ArrayBufferWriter<byte>();
            if (i > 0)
            {
                JacksonJson.WriteByte(member, (byte)',');
            }

            JacksonJson.WriteString(member, fields[i].Name);
            JacksonJson.WriteByte(member, (byte)':');
            fieldPrefixes[i] = member.WrittenSpan.ToArray();
        }

        return new ConnectEnvelope(schema.WrittenSpan.ToArray(), fields, fieldPrefixes);
    }

    /// <summary>Writes the current row of <paramref name="row"/> as one record value.</summary>
    public void WriteValue(NpgsqlDataReader row, IBufferWriter<byte> output)
    {
        output.Write(prefix);
        for (var i = 0; i < fields.Length; i++)
        {
            output.Write(fieldPrefixes[i]);
            fields[i].WriteValue(row, output);
        }

        JacksonJson.WriteAscii(output, "}}");
    }
}
