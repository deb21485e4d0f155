using System.Data;
using System.Buffers;
using Npgsql;
using Npgsql.Schema;
using Orders.Relay.Envelope;

namespace Orders.Relay.Outbox;

/// <summary>Reads the next rows after a position and encodes them as records.</summary>
internal sealed class OutboxReader(NpgsqlDataSource dataSource, ILogger<OutboxReader> logger)
{
    private Encoding? encoding;

    public async Task<IReadOnlyList<OutboxRecord>> ReadAsync(long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(OutboxQuery.Relay);
        command.Parameters.Add(new NpgsqlParameter<long>("last", after));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        // KeyInfo makes Npgsql look up NOT NULL in the catalog for the schema, as pgjdbc's isNullable does.
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.KeyInfo, cancellationToken);
        if (!reader.HasRows)
        {
            return [];
        }

        var current = await EncodingFor(reader, cancellationToken);
        var records = new List<OutboxRecord>();
        var buffer = new ArrayBufferWriter<byte>(1024);
        while (await reader.ReadAsync(cancellationToken))
        {
            buffer.ResetWrittenCount();
            current.Envelope.WriteValue(reader, buffer);
            records.Add(new OutboxRecord(
                reader.GetInt64(current.PositionOrdinal),
                current.Key.Encode(reader),
                buffer.WrittenSpan.ToArray(),
                reader.GetFieldValue<DateTime>(current.CreatedAtOrdinal),
                reader.IsDBNull(current.TraceparentOrdinal) ? null : reader.GetString(current.TraceparentOrdinal)));
        }

        return records;
    }

    /// <summary>
    /// The cached encoding while the result set keeps its columns and types; rebuilt (like the connector's schema
    /// mapping) when a migration changes them.
    /// </summary>
    private async Task<Encoding> EncodingFor(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var shape = string.Join(',', Enumerable.Range(0, reader.FieldCount)
            .Select(i => reader.GetName(i) + " " + reader.GetDataTypeName(i)));
        if (encoding?.Shape == shape)
        {
            return encoding;
        }

        var columns = await reader.GetColumnSchemaAsync(cancellationToken);
        var envelope = ConnectEnvelope.Create(
            [.. columns.Cast<NpgsqlDbColumn>().Where(c => c.ColumnName != OutboxQuery.TraceparentColumn)], schemaName: null);
        encoding = new Encoding(
            shape,
            envelope,
            ConnectKey.Create(envelope, OutboxQuery.KeyColumn, ConnectKeyFormat.Plain),
            reader.GetOrdinal(OutboxQuery.PositionColumn),
            reader.GetOrdinal(OutboxQuery.CreatedAtColumn),
            reader.GetOrdinal(OutboxQuery.TraceparentColumn));
        Log.EnvelopeSchemaBuilt(logger, envelope.Fields.Count, shape);
        return encoding;
    }

    private sealed record Encoding(
        string Shape, ConnectEnvelope Envelope, ConnectKey Key, int PositionOrdinal, int CreatedAtOrdinal, int TraceparentOrdinal);
}
