using System.Diagnostics;

namespace Orders.SystemHost;

/// <summary>
/// One deployable (the API, the relay or the processor) running as its own <c>dotnet</c> process, the way it runs in
/// production, with its output handed line by line to a callback. It dies with the process that started it, however
/// that one ends (SIGKILL included): the kernel sends it SIGKILL when its parent dies.
/// </summary>
public sealed class DeployableProcess : IAsyncDisposable
{
    private readonly string assemblyPath;
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly Action<string, string> onOutput;
    private Process? process;

    /// <param name="name">Label of the process in logs, e.g. <c>api</c>.</param>
    /// <param name="assemblyPath">The deployable's built <c>.dll</c>.</param>
    /// <param name="environment">Settings as environment variables (<c>Section__Key</c>).</param>
    /// <param name="onOutput">Receives (name, line) for every line the process writes.</param>
    public DeployableProcess(
        string name, string assemblyPath, IReadOnlyDictionary<string, string> environment, Action<string, string> onOutput)
    {
        Name = name;
        this.assemblyPath = assemblyPath;
        this.environment = environment;
        this.onOutput = onOutput;
    }

    public string Name { get; }

    public bool IsRunning => process is { HasExited: false };

    public int? ProcessId => process?.Id;

    /// <summary>Completes with the exit code when the process last started ends.</summary>
    public Task<int> Exited { get; private set; } = Task.FromResult(0);

    /// <summary>Another process of the same deployable with the same settings but <paramref name="overrides"/>, not started.</summary>
    public DeployableProcess Another(string name, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var settings = new Dictionary<string, string>(environment);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return new(name, assemblyPath, settings, onOutput);
    }

    /// <summary>Starts the process; fails if it is already running.</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"{Name} is not built: {assemblyPath} is missing.", assemblyPath);
        }

        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
        };
        startInfo.ArgumentList.Add(assemblyPath);
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var started = ChildSpawner.StartBoundToThisProcess(startInfo);
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        started.EnableRaisingEvents = true;
        started.Exited += (_, _) => exited.TrySetResult(started.ExitCode);
        if (started.HasExited)
        {
            exited.TrySetResult(started.ExitCode);
        }

        Exited = exited.Task;
        started.OutputDataReceived += (_, e) => Forward(e.Data);
        started.ErrorDataReceived += (_, e) => Forward(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits for a graceful exit, killing it after the grace period.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (process is null || process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(gracePeriod);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10));
        process?.Dispose();
    }

    private void Forward(string? line)
    {
        if (line is not null)
        {
            onOutput(Name, line);
        }
    }
}
