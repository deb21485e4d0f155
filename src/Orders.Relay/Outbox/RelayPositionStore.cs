using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Relay.Publishing;

namespace Orders.Relay.Outbox;

/// <summary>
/// The relay's position (the last published transaction_id) in PostgreSQL, one row per relay name, so a restarted
/// relay resumes where the last acknowledged batch ended. -1 means nothing was published yet, as for the connector.
/// </summary>
internal sealed class RelayPositionStore(NpgsqlDataSource dataSource, IOptions<RelayOptions> options)
{
    private const string Create = """
        CREATE TABLE IF NOT EXISTS outbox_relay_position (name text PRIMARY KEY, position bigint NOT NULL);
        INSERT INTO outbox_relay_position (name, position) VALUES (@name, -1) ON CONFLICT (name) DO NOTHING;
        SELECT position FROM outbox_relay_position WHERE name = @name;
        """;

    private const string Update = "UPDATE outbox_relay_position SET position = @position WHERE name = @name";

    public async Task<long> LoadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Create);
        command.Parameters.Add(new NpgsqlParameter<string>("name", options.Value.Name));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task SaveAsync(long position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Update);
        command.Parameters.Add(new NpgsqlParameter<string>("name", options.Value.Name));
        command.Parameters.Add(new NpgsqlParameter<long>("position", position));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
