using System.Buffers;
using System.Data;
using System.Text;
using Npgsql;
using Npgsql.Schema;
using Orders.Relay.Envelope;
using Orders.Testing;
using Xunit;

namespace Orders.Relay.Tests;

/// <summary>
/// The encoder against connect-format.md's worked examples (table mode, the seed's table, <c>Struct{...}</c> keys)
/// and against every column type it maps, read from a real PostgreSQL.
/// </summary>
[Collection(RelayFixtures.Name)]
public sealed class ConnectEnvelopeTests(PostgresFixture postgres)
{
    private const string SeedSchema = """{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"int64","optional":false,"field":"user_id"},{"type":"string","optional":false,"field":"aggregate_id"},{"type":"string","optional":false,"field":"type"},{"type":"string","optional":false,"field":"payload"},{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"outbox"}""";

    [Fact]
    public async Task Seed_rows_encode_to_the_worked_examples_byte_for_byte()
    {
        var records = await ReadSeedTableAsync();

        var second = records[1];
        Assert.Equal(
            """{"schema":""" + SeedSchema + ""","payload":{"id":2,"user_id":7,"aggregate_id":"00000000-0000-0000-0000-000000000001","type":"OrderCancelled","payload":"{}","created_at":1714559700000}}""",
            Encoding.UTF8.GetString(second.Value));
        Assert.Equal(599, second.Value.Length);
        Assert.Equal("Struct{user_id=7}"u8.ToArray(), second.Key);

        var first = records[0];
        Assert.Equal(
            """{"schema":""" + SeedSchema + ""","payload":{"id":1,"user_id":42,"aggregate_id":"8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21","type":"OrderCreated","payload":"{\"note\": \"café \\\"quoted\\\"\\n\", \"items\": [{\"qty\": 2, \"sku\": \"A-1\"}], \"total\": 123.45, \"userId\": 42, \"orderId\": \"8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21\"}","created_at":1714566896789}}""",
            Encoding.UTF8.GetString(first.Value));
        Assert.Equal(770, first.Value.Length);
        Assert.Equal(
            new byte[] { 0x53, 0x74, 0x72, 0x75, 0x63, 0x74, 0x7B, 0x75, 0x73, 0x65, 0x72, 0x5F, 0x69, 0x64, 0x3D, 0x34, 0x32, 0x7D },
            first.Key);

        var third = records[2];
        Assert.Equal(
            """{"schema":""" + SeedSchema + ""","payload":{"id":3,"user_id":-5,"aggregate_id":"ffffffff-0000-4000-8000-000000000003","type":"Tab\there","payload":"{\"n\": 100, \"msg\": \"hi \uD83D\uDE00\"}","created_at":-1}}""",
            Encoding.UTF8.GetString(third.Value));
        Assert.Equal("Struct{user_id=-5}"u8.ToArray(), third.Key);
    }

    [Fact]
    public async Task Each_column_type_is_written_as_the_connector_maps_it()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await using (var setup = dataSource.CreateCommand("""
            CREATE TABLE kinds(id bigserial primary key, small smallint not null, medium integer, amount numeric(12,2) not null,
              negative numeric(12,2), flag boolean, ratio double precision, raw bytea, label varchar(20), doc json,
              stamp timestamp, day date, ref uuid);
            INSERT INTO kinds(small, medium, amount, negative, flag, ratio, raw, label, doc, stamp, day, ref) VALUES
              (-3, 7, 99999999.99, -0.01, true, 1e10, '\x00ff10', 'a/b<c>&''', '{ "b" : 1,  "a":2 }',
               '1969-12-31 23:59:59.999', '1969-12-31', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'),
              (0, null, 0.00, null, null, null, null, null, null, null, null, null);
            """))
        {
            await setup.ExecuteNonQueryAsync();
        }

        var records = await ReadAsync(dataSource, """SELECT * FROM "public"."kinds" WHERE "public"."kinds"."id" > $1 ORDER BY "public"."kinds"."id" ASC""", "kinds", "small", ConnectKeyFormat.Plain);

        const string schema = """{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"int16","optional":false,"field":"small"},{"type":"int32","optional":true,"field":"medium"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"12"},"field":"amount"},{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"12"},"field":"negative"},{"type":"boolean","optional":true,"field":"flag"},{"type":"double","optional":true,"field":"ratio"},{"type":"bytes","optional":true,"field":"raw"},{"type":"string","optional":true,"field":"label"},{"type":"string","optional":true,"field":"doc"},{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"stamp"},{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},{"type":"string","optional":true,"field":"ref"}],"optional":false,"name":"kinds"},"payload":""";
        Assert.Equal(
            schema + """{"id":1,"small":-3,"medium":7,"amount":"AlQL4/8=","negative":"/w==","flag":true,"ratio":1.0E10,"raw":"AP8Q","label":"a/b<c>&'","doc":"{ \"b\" : 1,  \"a\":2 }","stamp":-1,"day":-1,"ref":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}}""",
            Encoding.UTF8.GetString(records[0].Value));
        Assert.Equal(
            schema + """{"id":2,"small":0,"medium":null,"amount":"AA==","negative":null,"flag":null,"ratio":null,"raw":null,"label":null,"doc":null,"stamp":null,"day":null,"ref":null}}""",
            Encoding.UTF8.GetString(records[1].Value));
        Assert.Equal("-3"u8.ToArray(), records[0].Key);
    }

    [Theory]
    [InlineData("123.45", 2, "MDk=")]
    [InlineData("-0.01", 2, "/w==")]
    [InlineData("0.00", 2, "AA==")]
    [InlineData("0", 2, "AA==")]
    [InlineData("99999999.99", 2, "AlQL4/8=")]
    [InlineData("1.5", 2, "AJY=")]
    public void Decimals_are_the_base64_of_the_unscaled_twos_complement(string value, int scale, string expected) =>
        Assert.Equal(expected, Convert.ToBase64String(ConnectField.UnscaledBytes(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), scale)));

    [Theory]
    [InlineData("1969-12-31T23:59:59.9995Z", -1)]
    [InlineData("1900-01-01T00:00:00.000001Z", -2208988800000)]
    [InlineData("1970-01-01T00:00:00Z", 0)]
    [InlineData("2024-05-01T12:34:56.789123Z", 1714566896789)]
    public void Timestamps_are_floored_to_epoch_milliseconds(string value, long expected) =>
        Assert.Equal(expected, ConnectField.FloorEpochMilliseconds(DateTime.Parse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal)));

    private async Task<List<(byte[]? Key, byte[] Value)>> ReadSeedTableAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await using (var setup = dataSource.CreateCommand("""
            CREATE TABLE outbox(id bigserial primary key, user_id bigint not null, aggregate_id uuid not null,
              type text not null, payload jsonb not null, created_at timestamptz not null default now());
            INSERT INTO outbox(user_id, aggregate_id, type, payload, created_at) VALUES
             (42,'8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21','OrderCreated',
              '{"orderId":"8f14e45f-ceea-467f-a0e6-7b5a0b6c3d21","userId":42,"total":123.45,"items":[{"sku":"A-1","qty":2}],"note":"caf\u00e9 \"quoted\"\n"}',
              '2024-05-01 12:34:56.789123+00'),
             (7,'00000000-0000-0000-0000-000000000001','OrderCancelled','{}','2024-05-01 12:35:00+02');
            INSERT INTO outbox(user_id, aggregate_id, type, payload, created_at) VALUES
             (-5,'ffffffff-0000-4000-8000-000000000003',E'Tab\there','{"msg":"hi 😀","n":1e2}','1969-12-31 23:59:59.9995+00');
            """))
        {
            await setup.ExecuteNonQueryAsync();
        }

        // The seed connector's exact statement (table mode, incrementing on id), from offset -1.
        return await ReadAsync(dataSource, """SELECT * FROM "public"."outbox" WHERE "public"."outbox"."id" > $1 ORDER BY "public"."outbox"."id" ASC""", "outbox", "user_id", ConnectKeyFormat.Struct);
    }

    private static async Task<List<(byte[]? Key, byte[] Value)>> ReadAsync(
        NpgsqlDataSource dataSource, string sql, string schemaName, string keyColumn, ConnectKeyFormat keyFormat)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = -1 });
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.KeyInfo);
        var columns = (await reader.GetColumnSchemaAsync()).Cast<NpgsqlDbColumn>().ToList();
        var envelope = ConnectEnvelope.Create(columns, schemaName);
        var key = ConnectKey.Create(envelope, keyColumn, keyFormat);
        var records = new List<(byte[]? Key, byte[] Value)>();
        while (await reader.ReadAsync())
        {
            var value = new ArrayBufferWriter<byte>();
            envelope.WriteValue(reader, value);
            records.Add((key.Encode(reader), value.WrittenSpan.ToArray()));
        }

        return records;
    }
}
