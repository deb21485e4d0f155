using System.Collections.Concurrent;
using Npgsql;
using Orders.Benchmark.Load;

namespace Orders.Benchmark.Measure;

/// <summary>
/// End-to-end latency: from the client receiving the API's answer to the saga having committed that change, read from
/// <c>fulfilment.order_state</c> by primary key for the changes still outstanding, every <see cref="PollInterval"/>.
/// </summary>
/// <remarks>
/// Two figures bracket the truth. <b>Committed</b>: the saga row's <c>updated_at</c> (the processor's clock when it
/// applied the event, a moment before its commit) minus the client's receive time; both are this machine's wall clock,
/// so they compare directly. It reads low by the saga's own write-and-commit time (a few ms). It is only known when the
/// row still shows that very sequence; if a later change of the order was applied before the poll saw it, the sample
/// is counted as overtaken and left out. <b>Observed</b>: when a poll first saw the row at or past that sequence, minus
/// the receive time; it reads high by up to one poll interval plus the query's round trip, and covers every sample.
/// </remarks>
internal sealed class EndToEndTracker(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
    private const int IdsPerQuery = 2000;

    private readonly ConcurrentDictionary<Guid, ConcurrentQueue<(int Sequence, DateTimeOffset ReceivedAt)>> outstanding = new();
    private readonly CancellationTokenSource stopping = new();
    private Task? polling;
    private long overtaken;
    private long expected;

    public LatencyRecorder Committed { get; } = new();

    public LatencyRecorder Observed { get; } = new();

    public long Overtaken => Interlocked.Read(ref overtaken);

    public long Expected => Interlocked.Read(ref expected);

    /// <summary>Changes the API acknowledged that the saga has not been seen to apply yet.</summary>
    public int Outstanding => outstanding.Count;

    public void Start() => polling = Task.Run(() => PollAsync(stopping.Token));

    /// <summary>Registers a change the API acknowledged at <paramref name="receivedAt"/>.</summary>
    public void Expect(Guid orderId, int sequence, DateTimeOffset receivedAt)
    {
        Interlocked.Increment(ref expected);
        outstanding.GetOrAdd(orderId, _ => new()).Enqueue((sequence, receivedAt));
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (polling is not null)
        {
            try
            {
                await polling;
            }
            catch (OperationCanceledException)
            {
                // Stopped between polls.
            }
        }

        stopping.Dispose();
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var chunk in outstanding.Keys.Chunk(IdsPerQuery))
            {
                await PollOnceAsync(chunk, cancellationToken);
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private async Task PollOnceAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT correlation_id, last_sequence, updated_at FROM fulfilment.order_state WHERE correlation_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        var rows = new List<(Guid Id, int Sequence, DateTimeOffset UpdatedAt)>(ids.Length);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetGuid(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The processor has not migrated its schema yet: nothing is applied.
            return;
        }

        var observedAt = DateTimeOffset.UtcNow;
        foreach (var (id, sequence, updatedAt) in rows)
        {
            if (!outstanding.TryGetValue(id, out var changes))
            {
                continue;
            }

            while (changes.TryPeek(out var change) && change.Sequence <= sequence)
            {
                changes.TryDequeue(out _);
                Observed.Record(observedAt - change.ReceivedAt);
                if (change.Sequence == sequence)
                {
                    Committed.Record(updatedAt - change.ReceivedAt);
                }
                else
                {
                    Interlocked.Increment(ref overtaken);
                }
            }

            if (changes.IsEmpty)
            {
                // A step registered between the emptiness check and the removal re-adds the order's queue.
                outstanding.TryRemove(new KeyValuePair<Guid, ConcurrentQueue<(int, DateTimeOffset)>>(id, changes));
            }
        }
    }
}
