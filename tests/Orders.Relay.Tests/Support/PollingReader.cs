using Npgsql;

namespace Orders.Relay.Tests.Support;

/// <summary>
/// Polls the way the JDBC connector's incrementing mode does: run the statement with the last offset, take every row,
/// move the offset to the last row's column value, wait, repeat.
/// </summary>
internal sealed class PollingReader(NpgsqlDataSource dataSource, string sql, string offsetColumn) : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly List<long> ids = [];
    private readonly List<long> transactionIds = [];
    private Task? running;
    private int polls;
    private long offset = -1;

    public int Polls => Volatile.Read(ref polls);

    /// <summary>The offset the next poll starts after, as the connector would have stored it.</summary>
    public long Offset => Interlocked.Read(ref offset);

    public IReadOnlyList<long> Ids
    {
        get
        {
            // A reader that failed must fail the test, not look like one that saw nothing.
            if (running is { IsFaulted: true })
            {
                running.GetAwaiter().GetResult();
            }

            lock (ids)
            {
                return [.. ids];
            }
        }
    }

    public IReadOnlyList<long> TransactionIds
    {
        get
        {
            lock (ids)
            {
                return [.. transactionIds];
            }
        }
    }

    public void Start() => running = Task.Run(() => RunAsync(stop.Token));

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (running is not null)
        {
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await using (var command = dataSource.CreateCommand(sql))
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Offset });
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var idOrdinal = reader.GetOrdinal("id");
                var transactionOrdinal = reader.GetOrdinal("transaction_id");
                var offsetOrdinal = reader.GetOrdinal(offsetColumn);
                while (await reader.ReadAsync(cancellationToken))
                {
                    lock (ids)
                    {
                        ids.Add(reader.GetInt64(idOrdinal));
                        transactionIds.Add(reader.GetInt64(transactionOrdinal));
                    }

                    Interlocked.Exchange(ref offset, reader.GetInt64(offsetOrdinal));
                }
            }

            Interlocked.Increment(ref polls);
            await Task.Delay(5, cancellationToken);
        }
    }
}
