using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Relay.Publishing;

namespace Orders.Relay.Lease;

/// <summary>
/// The relay's row in <c>outbox_relay_position</c>: the last published transaction_id (-1 before anything was
/// published, as for the connector) and the lease that says which relay may move it. Every write is fenced by the
/// lease's epoch, so a relay that lost the lease can never move the position again.
/// </summary>
internal sealed class RelayLeaseStore(NpgsqlDataSource dataSource, RelayLease lease, IOptions<RelayOptions> options)
{
    private const string Create = """
        CREATE TABLE IF NOT EXISTS outbox_relay_position (name text PRIMARY KEY, position bigint NOT NULL);
        ALTER TABLE outbox_relay_position
          ADD COLUMN IF NOT EXISTS lease_holder text,
          ADD COLUMN IF NOT EXISTS lease_epoch bigint NOT NULL DEFAULT 0,
          ADD COLUMN IF NOT EXISTS lease_expires_at timestamptz NOT NULL DEFAULT '-infinity';
        INSERT INTO outbox_relay_position (name, position) VALUES (@name, -1) ON CONFLICT (name) DO NOTHING;
        """;

    // Two standbys racing here are serialized by the row lock; the second re-checks the expiry and finds it taken.
    private const string Acquire = """
        UPDATE outbox_relay_position
        SET lease_holder = @holder, lease_epoch = lease_epoch + 1, lease_expires_at = now() + @duration
        WHERE name = @name AND lease_expires_at < now()
        RETURNING lease_epoch, position
        """;

    private const string Renew =
        "UPDATE outbox_relay_position SET lease_expires_at = now() + @duration WHERE name = @name AND lease_epoch = @epoch";

    private const string Save = """
        UPDATE outbox_relay_position SET position = @position, lease_expires_at = now() + @duration
        WHERE name = @name AND lease_epoch = @epoch
        """;

    private const string Release =
        "UPDATE outbox_relay_position SET lease_expires_at = '-infinity' WHERE name = @name AND lease_epoch = @epoch";

    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Create);
        command.Parameters.Add(new NpgsqlParameter<string>("name", options.Value.Name));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Takes the lease if it has expired; returns the saved position, or null while another relay holds it.</summary>
    public async Task<long?> TryAcquireAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Acquire);
        command.Parameters.Add(new NpgsqlParameter<string>("name", options.Value.Name));
        command.Parameters.Add(new NpgsqlParameter<string>("holder", lease.HolderId));
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("duration", lease.Duration));
        var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        lease.Acquired(reader.GetInt64(0), sentAt);
        return reader.GetInt64(1);
    }

    /// <summary>Extends the lease; false (and the lease marked lost) if another relay took it over.</summary>
    public Task<bool> RenewAsync(CancellationToken cancellationToken) =>
        ExecuteFencedAsync(Renew, position: null, cancellationToken);

    /// <summary>Saves the position and extends the lease; false (and the lease marked lost) if another relay took it over.</summary>
    public Task<bool> SaveAsync(long position, CancellationToken cancellationToken) =>
        ExecuteFencedAsync(Save, position, cancellationToken);

    /// <summary>Lets a standby take over at once instead of waiting for the lease to expire.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        var epoch = lease.Epoch;
        lease.Lost();
        await using var command = dataSource.CreateCommand(Release);
        command.Parameters.Add(new NpgsqlParameter<string>("name", options.Value.Name));
        command.Parameters.Add(new NpgsqlParameter<long>("epoch", epoch));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<bool> ExecuteFencedAsync(string sql, long? position, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("name", options.Value.Name));
        command.Parameters.Add(new NpgsqlParameter<long>("epoch", lease.Epoch));
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("duration", lease.Duration));
        if (position is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<long>("position", position.Value));
        }

        var sentAt = System.Diagnostics.Stopwatch.GetTimestamp();
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            lease.Renewed(sentAt);
            return true;
        }

        lease.Lost();
        return false;
    }
}
