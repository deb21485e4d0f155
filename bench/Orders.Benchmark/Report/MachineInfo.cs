using System.Runtime.InteropServices;

namespace Orders.Benchmark.Report;

/// <summary>Where the figures were measured.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, double MemoryGiB, string Os, string Runtime)
{
    public static MachineInfo Current()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return new MachineInfo(
            cpu ?? RuntimeInformation.ProcessArchitecture.ToString(),
            Environment.ProcessorCount,
            Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription);
    }

    /// <summary>The 1, 5 and 15 minute load averages: other work on the machine skews every figure.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
