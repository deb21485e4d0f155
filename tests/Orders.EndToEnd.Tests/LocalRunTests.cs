using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Orders.SystemHost;
using Orders.Testing;
using Xunit;

namespace Orders.EndToEnd.Tests;

/// <summary>The local run's launcher: nothing it started outlives it, and a busy port stops it before anything starts.</summary>
public sealed class LocalRunTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "orders-localrun-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task A_busy_port_is_reported_with_the_option_that_moves_it_before_anything_starts()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var busyPort = ((IPEndPoint)squatter.LocalEndpoint).Port;

        using var launcher = StartLauncher("--api-port", Text(busyPort), "--pg-port", Text(LoopbackPort.Free()));
        var errors = launcher.StandardError.ReadToEndAsync();
        await launcher.WaitForExitAsync().WaitAsync(StartTimeout);

        Assert.Equal(1, launcher.ExitCode);
        Assert.Contains($"Port {busyPort}", await errors);
        Assert.Contains("--api-port", await errors);
        Assert.False(Directory.Exists(Path.Combine(dataDirectory, "pgdata")), "PostgreSQL was not started");
    }

    [Fact]
    public async Task Killing_the_launcher_with_SIGKILL_takes_every_deployable_and_PostgreSQL_along()
    {
        using var launcher = StartLauncher("--api-port", Text(LoopbackPort.Free()), "--pg-port", Text(LoopbackPort.Free()));
        launcher.BeginOutputReadLine();
        launcher.BeginErrorReadLine();

        // Killed once every child is up (the relay starts last): no need to wait for the processor to join its group.
        var pidFile = Path.Combine(dataDirectory, "pgdata", "postmaster.pid");
        var children = await Eventually.HoldsAsync(
            () => Task.FromResult(ChildrenOf(launcher.Id)),
            pids => pids.Count >= 4 || launcher.HasExited,
            "every child of the local run started",
            StartTimeout,
            pids => $"children {string.Join(',', pids)}");
        Assert.False(launcher.HasExited, "the local run started");
        var postmaster = int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture);
        int[] survivors = [.. children, postmaster];

        launcher.Kill();
        await Eventually.HoldsAsync(
            () => Task.FromResult(survivors.Where(IsAlive).ToList()),
            alive => alive.Count == 0,
            "no child of the killed launcher is left",
            TimeSpan.FromSeconds(30),
            alive => "still running: " + string.Join(',', alive));
    }

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private Process StartLauncher(params string[] arguments)
    {
        var root = RepositoryRoot.Find();
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        startInfo.ArgumentList.Add(Path.Combine(root, "tools", "Orders.LocalRun", "bin", configuration, "net10.0", "Orders.LocalRun.dll"));
        foreach (var argument in (string[])[.. arguments, "--data-dir", dataDirectory])
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Process.Start(startInfo)!;
    }

    private static List<int> ChildrenOf(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(name => (Pid: int.Parse(name!, CultureInfo.InvariantCulture), Stat: ReadStat(name!)))
            .Where(p => p.Stat is not null && ParentOf(p.Stat) == parent)
            .Select(p => p.Pid)
            .ToList();

    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so fields are counted after the last ')'.
    private static int ParentOf(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);

    private static string? ReadStat(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsAlive(int pid)
    {
        var stat = ReadStat(pid.ToString(CultureInfo.InvariantCulture));
        // A zombie has ended; it only waits for a parent that is gone to be reaped by init.
        return stat is not null && stat[(stat.LastIndexOf(')') + 2)] != 'Z';
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
