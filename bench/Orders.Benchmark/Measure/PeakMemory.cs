using System.Globalization;
using Orders.SystemHost;

namespace Orders.Benchmark.Measure;

/// <summary>
/// Peak resident memory (VmHWM in /proc/&lt;pid&gt;/status) of each deployable, kept across restarts: the benchmark
/// samples every process before it stops it and periodically while it runs, and keeps the highest value per name.
/// </summary>
internal sealed class PeakMemory
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, long> peakKibibytes = [];

    public void Sample(params DeployableProcess[] deployables)
    {
        foreach (var deployable in deployables)
        {
            if (deployable.IsRunning && deployable.ProcessId is { } pid)
            {
                Update(deployable.Name, pid);
            }
        }

        Update("benchmark", Environment.ProcessId);
    }

    public IReadOnlyDictionary<string, double> PeakMebibytes()
    {
        lock (gate)
        {
            return peakKibibytes.ToDictionary(p => p.Key, p => Math.Round(p.Value / 1024.0, 1));
        }
    }

    private void Update(string name, int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines($"/proc/{pid}/status");
        }
        catch (IOException)
        {
            return;
        }

        var line = lines.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        if (line is null)
        {
            return;
        }

        var kibibytes = long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        lock (gate)
        {
            peakKibibytes[name] = Math.Max(kibibytes, peakKibibytes.GetValueOrDefault(name));
        }
    }
}
