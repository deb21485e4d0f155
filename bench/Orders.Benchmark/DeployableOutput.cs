using System.Collections.Concurrent;

namespace Orders.Benchmark;

/// <summary>
/// Writes the deployables' output to a log file beside the results, keeps the recent lines for failure messages, and
/// counts their warning and error lines (the console logger starts those with <c>warn:</c>, <c>fail:</c> or
/// <c>crit:</c>), which the result reports.
/// </summary>
internal sealed class DeployableOutput(string logPath) : IDisposable
{
    private readonly StreamWriter log = new(logPath) { AutoFlush = true };
    private readonly Lock gate = new();

    private const int Kept = 400;
    private readonly ConcurrentQueue<string> recent = new();
    private readonly ConcurrentDictionary<string, int> problems = new();

    public IReadOnlyDictionary<string, int> ProblemLines => problems.ToDictionary(p => p.Key, p => p.Value);

    public string Recent => string.Join('\n', recent);

    public void Add(string process, string line)
    {
        if (line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal)
            || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            problems.AddOrUpdate(process, 1, (_, n) => n + 1);
        }

        var labelled = $"[{process}] {line}";
        lock (gate)
        {
            log.WriteLine(labelled);
        }

        recent.Enqueue(labelled);
        while (recent.Count > Kept)
        {
            recent.TryDequeue(out _);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            log.Dispose();
        }
    }
}
