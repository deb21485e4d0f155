using System.Globalization;
using Orders.SystemHost;

namespace Orders.Benchmark.Measure;

/// <summary>
/// CPU time (user + system, from /proc/&lt;pid&gt;/stat) of each deployable, of the PostgreSQL cluster (its postmaster
/// and every child: backends, WAL writer, autovacuum, including children that already exited, whose time the
/// postmaster collected) and of the benchmark itself. The difference of two readings
/// over a phase says which process the cores went to, which on a 2-core machine is where throughput is lost.
/// </summary>
internal sealed class CpuUsage(OrdersSystem system)
{
    /// <summary>Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds used so far, by process name.</summary>
    public IReadOnlyDictionary<string, double> Read()
    {
        var stats = ReadAllStats();
        var seconds = new Dictionary<string, double>();
        foreach (var deployable in new[] { system.Api, system.Processor, system.Relay })
        {
            if (deployable.ProcessId is { } pid && stats.TryGetValue(pid, out var stat))
            {
                seconds[deployable.Name] = stat.Ticks / TicksPerSecond;
            }
        }

        var postmaster = PostmasterId();
        if (postmaster is { } root && stats.TryGetValue(root, out var main))
        {
            seconds["postgres"] = (main.Ticks + main.ChildTicks + stats.Values.Where(s => s.ParentId == root).Sum(s => s.Ticks)) / TicksPerSecond;
        }

        if (stats.TryGetValue(Environment.ProcessId, out var self))
        {
            seconds["benchmark"] = self.Ticks / TicksPerSecond;
        }

        return seconds;
    }

    /// <summary>Cores used per process between two readings taken <paramref name="elapsed"/> apart.</summary>
    public static IReadOnlyDictionary<string, double> Cores(
        IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, TimeSpan elapsed) =>
        after.Where(a => before.ContainsKey(a.Key))
            .ToDictionary(a => a.Key, a => Math.Round((a.Value - before[a.Key]) / elapsed.TotalSeconds, 3));

    private int? PostmasterId()
    {
        var file = Path.Combine(system.Postgres.DataDirectory, "postmaster.pid");
        try
        {
            return int.Parse(File.ReadLines(file).First(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static Dictionary<int, (int ParentId, long Ticks, long ChildTicks)> ReadAllStats()
    {
        var stats = new Dictionary<int, (int, long, long)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(folder, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            stats[pid] = (
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture),
                long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture));
        }

        return stats;
    }
}
