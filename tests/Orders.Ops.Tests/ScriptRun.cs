using System.Diagnostics;

namespace Orders.Ops.Tests;

/// <summary>The outcome of one run of a repository shell script.</summary>
internal sealed record ScriptRun(int ExitCode, string StandardOutput, string StandardError)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public string Output => StandardOutput + StandardError;

    /// <summary>Runs <paramref name="script"/> (a path under the repository) with bash and waits for it to end.</summary>
    public static async Task<ScriptRun> RunAsync(
        string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryFiles.RootDirectory,
        };
        start.ArgumentList.Add(RepositoryFiles.PathOf(script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The scripts read these; the machine's own values must not leak into a test.
        start.Environment.Remove("CONNECT_URL");
        start.Environment.Remove("CONNECT_TIMEOUT");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start bash {script}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not end within {Limit}: {await stdout}{await stderr}");
        }

        return new ScriptRun(process.ExitCode, await stdout, await stderr);
    }
}
