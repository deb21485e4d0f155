using System.Globalization;
using Npgsql;
using Orders.Benchmark.Load;

namespace Orders.Benchmark.Measure;

/// <summary>
/// End-to-end latency: from the client receiving the API's answer to the saga having committed that change. While it
/// runs, a trigger the tracker adds to <c>fulfilment.order_state</c> sends a notification for every saga row written,
/// which PostgreSQL delivers when the saga's transaction commits; the tracker listens on its own connection.
/// </summary>
/// <remarks>
/// Two figures bracket the truth. <b>Committed</b>: the saga row's <c>updated_at</c> (the processor's clock when it
/// applied the event, a moment before its commit) minus the client's receive time; both are this machine's wall clock,
/// so they compare directly. It reads low by the saga's own write-and-commit time. It is only known when the row shows
/// that very sequence; if a later change of the order was applied in the same transaction, the sample is counted as
/// overtaken and left out. <b>Observed</b>: when the notification of a write at or past that sequence arrived, minus the
/// receive time; it reads high by the notification's delivery (a signal to the listening backend and one message on
/// its connection), not by a poll interval. Polling by primary key only catches up once, on start, with what was
/// applied before the tracker listened. The trigger is dropped again on dispose, so later phases do not pay for it.
/// </remarks>
internal sealed class EndToEndTracker(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    private const string Channel = "benchmark_saga_applied";
    private const int IdsPerQuery = 2000;
    private static readonly TimeSpan TableWait = TimeSpan.FromMilliseconds(100);

    // The saga's writes pay one pg_notify each and the commit's hand-off to the listener, instead of the tracker
    // querying every few milliseconds; a statement can only see its own rows, so the trigger is per row.
    private const string InstallSql = $"""
        CREATE OR REPLACE FUNCTION fulfilment.benchmark_notify_applied() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            PERFORM pg_notify('{Channel}', NEW.correlation_id::text || ' ' || NEW.last_sequence || ' '
                || (extract(epoch FROM NEW.updated_at) * 1000000)::bigint);
            RETURN NULL;
        END
        $body$;
        CREATE OR REPLACE TRIGGER benchmark_notify_applied AFTER INSERT OR UPDATE ON fulfilment.order_state
            FOR EACH ROW EXECUTE FUNCTION fulfilment.benchmark_notify_applied();
        LISTEN {Channel};
        """;

    private const string UninstallSql = """
        DROP TRIGGER IF EXISTS benchmark_notify_applied ON fulfilment.order_state;
        DROP FUNCTION IF EXISTS fulfilment.benchmark_notify_applied();
        """;

    // Guards both maps: the listener and the load's clients touch them at once.
    private readonly Lock gate = new();
    private readonly Dictionary<Guid, Queue<(int Sequence, DateTimeOffset ReceivedAt)>> outstanding = [];

    // The newest sequence seen applied per order, for a change whose answer reaches the client after its notification.
    private readonly Dictionary<Guid, (int Sequence, DateTimeOffset UpdatedAt, DateTimeOffset ObservedAt)> applied = [];
    private readonly CancellationTokenSource stopping = new();
    private NpgsqlConnection? connection;
    private Task? listening;
    private long overtaken;
    private long expected;

    public LatencyRecorder Committed { get; } = new();

    public LatencyRecorder Observed { get; } = new();

    public long Overtaken => Interlocked.Read(ref overtaken);

    public long Expected => Interlocked.Read(ref expected);

    /// <summary>Changes the API acknowledged that the saga has not been seen to apply yet.</summary>
    public int Outstanding
    {
        get
        {
            lock (gate)
            {
                return outstanding.Count;
            }
        }
    }

    /// <summary>Adds the trigger, listens, and takes in what was applied before; returns once listening.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        connection = await dataSource.OpenConnectionAsync(cancellationToken);
        connection.Notification += (_, e) => OnNotification(e.Payload);
        while (true)
        {
            try
            {
                await using var install = new NpgsqlCommand(InstallSql, connection);
                await install.ExecuteNonQueryAsync(cancellationToken);
                break;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
            {
                // The processor has not migrated its schema yet: nothing is applied.
                await Task.Delay(TableWait, cancellationToken);
            }
        }

        await CatchUpAsync(cancellationToken);
        listening = Task.Run(() => ListenAsync(connection, stopping.Token), CancellationToken.None);
    }

    /// <summary>Registers a change the API acknowledged at <paramref name="receivedAt"/>.</summary>
    public void Expect(Guid orderId, int sequence, DateTimeOffset receivedAt)
    {
        Interlocked.Increment(ref expected);
        lock (gate)
        {
            if (!outstanding.TryGetValue(orderId, out var changes))
            {
                outstanding[orderId] = changes = new Queue<(int, DateTimeOffset)>();
            }

            changes.Enqueue((sequence, receivedAt));
            if (applied.TryGetValue(orderId, out var seen))
            {
                Settle(orderId, changes, seen.Sequence, seen.UpdatedAt, seen.ObservedAt);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (listening is not null)
        {
            try
            {
                await listening;
            }
            catch (OperationCanceledException)
            {
                // Stopped while waiting for a notification.
            }
        }

        if (connection is not null)
        {
            await using (connection)
            {
                // UNLISTEN too: the pool keeps its connections as they are (no reset on close).
                await using var uninstall = new NpgsqlCommand(UninstallSql + "UNLISTEN *;", connection);
                await uninstall.ExecuteNonQueryAsync();
            }
        }

        stopping.Dispose();
    }

    private static async Task ListenAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await connection.WaitAsync(cancellationToken);
        }
    }

    private void OnNotification(string payload)
    {
        var observedAt = DateTimeOffset.UtcNow;
        var parts = payload.Split(' ');
        var id = Guid.Parse(parts[0]);
        var sequence = int.Parse(parts[1], CultureInfo.InvariantCulture);
        var updatedAt = DateTimeOffset.UnixEpoch.AddTicks(long.Parse(parts[2], CultureInfo.InvariantCulture) * 10);
        Apply(id, sequence, updatedAt, observedAt);
    }

    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        Guid[] ids;
        lock (gate)
        {
            ids = [.. outstanding.Keys];
        }

        foreach (var chunk in ids.Chunk(IdsPerQuery))
        {
            await using var command = dataSource.CreateCommand(
                "SELECT correlation_id, last_sequence, updated_at FROM fulfilment.order_state WHERE correlation_id = ANY($1)");
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = chunk });
            var rows = new List<(Guid Id, int Sequence, DateTimeOffset UpdatedAt)>(chunk.Length);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2)));
                }
            }

            var observedAt = DateTimeOffset.UtcNow;
            foreach (var (id, sequence, updatedAt) in rows)
            {
                Apply(id, sequence, updatedAt, observedAt);
            }
        }
    }

    private void Apply(Guid id, int sequence, DateTimeOffset updatedAt, DateTimeOffset observedAt)
    {
        lock (gate)
        {
            // A notification and the catch-up query may report the same write; only a newer sequence counts.
            if (applied.TryGetValue(id, out var seen) && seen.Sequence >= sequence)
            {
                return;
            }

            applied[id] = (sequence, updatedAt, observedAt);
            if (outstanding.TryGetValue(id, out var changes))
            {
                Settle(id, changes, sequence, updatedAt, observedAt);
            }
        }
    }

    private void Settle(
        Guid id, Queue<(int Sequence, DateTimeOffset ReceivedAt)> changes, int sequence, DateTimeOffset updatedAt, DateTimeOffset observedAt)
    {
        while (changes.TryPeek(out var change) && change.Sequence <= sequence)
        {
            changes.Dequeue();
            // Seen before its answer reached the client (the notification won the race): no time at all.
            Observed.Record(observedAt > change.ReceivedAt ? observedAt - change.ReceivedAt : TimeSpan.Zero);
            if (change.Sequence == sequence)
            {
                Committed.Record(updatedAt - change.ReceivedAt);
            }
            else
            {
                Interlocked.Increment(ref overtaken);
            }
        }

        if (changes.Count == 0)
        {
            outstanding.Remove(id);
        }
    }
}
