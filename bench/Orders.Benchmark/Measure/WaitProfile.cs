using Npgsql;

namespace Orders.Benchmark.Measure;

/// <summary>
/// Where PostgreSQL's sessions spend their time: samples <c>pg_stat_activity</c> every <see cref="Interval"/> and counts
/// the non-idle sessions by state, wait event and the start of their statement, so a lock that serializes writers
/// (for instance Quartz's <c>qrtz_locks</c> row) shows up as the most frequent entry.
/// </summary>
internal sealed class WaitProfile : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    private const int Top = 12;

    private readonly NpgsqlDataSource dataSource;
    private readonly PeriodicSampler sampler;
    private readonly Dictionary<string, long> counts = [];
    private long samples;

    public WaitProfile(NpgsqlDataSource dataSource)
    {
        this.dataSource = dataSource;
        sampler = new PeriodicSampler(SampleAsync, Interval);
    }

    public void Start() => sampler.Start();

    /// <summary>The most frequent entries, as the average number of sessions in that situation at any moment.</summary>
    public IReadOnlyList<WaitEntry> Summarize()
    {
        lock (counts)
        {
            return counts.OrderByDescending(c => c.Value).Take(Top)
                .Select(c => new WaitEntry(c.Key, Math.Round((double)c.Value / Math.Max(1, samples), 2)))
                .ToList();
        }
    }

    public ValueTask DisposeAsync() => sampler.DisposeAsync();

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using (var command = dataSource.CreateCommand("""
            SELECT state || ' ' || coalesce(wait_event_type || ':' || wait_event, 'cpu') || ' ' || left(regexp_replace(query, '\s+', ' ', 'g'), 70)
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            var seen = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                seen.Add(reader.GetString(0));
            }

            lock (counts)
            {
                samples++;
                foreach (var key in seen)
                {
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }
        }
    }
}
