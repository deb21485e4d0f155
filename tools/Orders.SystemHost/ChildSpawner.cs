using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orders.SystemHost;

/// <summary>
/// Starts child processes that die with this one, from one thread that lives as long as this process. Linux sends a
/// child's parent-death signal when the thread that forked it ends, not the process; a thread-pool thread that retires
/// would kill the child it started, so children are never forked from one.
/// </summary>
public static class ChildSpawner
{
    private static readonly BlockingCollection<(ProcessStartInfo StartInfo, TaskCompletionSource<Process> Started)> Requests = [];

    static ChildSpawner()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Child process spawner" };
        thread.Start();
    }

    /// <summary>
    /// Starts <paramref name="startInfo"/>'s program in a session of its own (so a Ctrl+C in the terminal reaches only
    /// this process, which then stops its children in order) with the parent-death signal KILL, which exec keeps: if
    /// this process is killed, even with SIGKILL, the child goes with it.
    /// </summary>
    public static Process StartBoundToThisProcess(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        string[] command = ["setpriv", "--pdeathsig", "KILL", startInfo.FileName, .. startInfo.ArgumentList];
        startInfo.FileName = "setsid";
        startInfo.ArgumentList.Clear();
        foreach (var argument in command)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return Start(startInfo);
    }

    private static Process Start(ProcessStartInfo startInfo)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((startInfo, started));
        return started.Task.GetAwaiter().GetResult();
    }

    private static void Run()
    {
        foreach (var (startInfo, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {startInfo.FileName}."));
            }
            catch (Exception exception)
            {
                started.SetException(exception);
            }
        }
    }
}
