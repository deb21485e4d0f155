using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orders.Processor.Tests.Kafka;

/// <summary>Keeps every log entry of one host, to see its partition assignments and retries.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(int EventId, IReadOnlyDictionary<string, object?> State)> entries = new();

    public IReadOnlyList<(int EventId, IReadOnlyDictionary<string, object?> State)> Entries => [.. entries];

    public int Count(int eventId) => entries.Count(e => e.EventId == eventId);

    /// <summary>The partitions the host holds now, replayed from its assigned (2500), revoked (2501) and lost (2502) logs.</summary>
    public IReadOnlySet<int> AssignedPartitions()
    {
        var held = new HashSet<int>();
        foreach (var (eventId, state) in Entries.Where(e => e.EventId is >= 2500 and <= 2502))
        {
            var partitions = ((string)state["Partitions"]!).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse);
            if (eventId == 2500)
            {
                held.UnionWith(partitions);
            }
            else
            {
                held.ExceptWith(partitions);
            }
        }

        return held;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                log.entries.Enqueue((eventId.Id, pairs.ToDictionary(p => p.Key, p => p.Value)));
            }
        }
    }
}
