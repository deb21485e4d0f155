using System.Collections.Concurrent;

namespace Orders.Benchmark;

/// <summary>
/// Keeps the deployables' recent output for failure messages, and counts their warning and error lines (the console
/// logger starts those with <c>warn:</c>, <c>fail:</c> or <c>crit:</c>), which the result reports.
/// </summary>
internal sealed class DeployableOutput
{
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

        recent.Enqueue($"[{process}] {line}");
        while (recent.Count > Kept)
        {
            recent.TryDequeue(out _);
        }
    }
}
