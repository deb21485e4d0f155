using System.Diagnostics;
using System.Reflection;
using Orders.SystemHost;

namespace Orders.LocalRun;

/// <summary>
/// The Aspire Dashboard, started standalone from its NuGet package: the OTLP endpoint of every deployable in the local
/// run, and a page with their traces, metrics and structured logs. Unsecured, so for this machine only.
/// </summary>
internal sealed class AspireDashboard : IDisposable
{
    public const int UiPort = 18888;
    public const int OtlpGrpcPort = 18889;
    public const int OtlpHttpPort = 18890;

    private readonly Process process;

    private AspireDashboard(Process process) => this.process = process;

    public static Uri UiAddress { get; } = new($"http://127.0.0.1:{UiPort}");

    /// <summary>Where the deployables send OTLP (gRPC).</summary>
    public static Uri OtlpGrpcAddress { get; } = new($"http://127.0.0.1:{OtlpGrpcPort}");

    public static AspireDashboard Start(Action<string, string> onOutput)
    {
        var folder = typeof(AspireDashboard).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "AspireDashboardFolder").Value!;
        var executable = Path.Combine(folder, "Aspire.Dashboard");
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException(
                $"The Aspire Dashboard is missing at {executable}; `dotnet restore tools/Orders.LocalRun` downloads it.", executable);
        }

        var startInfo = new ProcessStartInfo(executable)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_URLS"] = UiAddress.ToString(),
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = OtlpGrpcAddress.ToString(),
                ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{OtlpHttpPort}",
                // No login and no API key: it listens on the loopback address of a developer's machine only.
                ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
                ["Logging__LogLevel__Default"] = "Warning",
            },
        };
        // Bound to the launcher like the deployables, so a killed launcher leaves no dashboard behind.
        var process = ChildSpawner.StartBoundToThisProcess(startInfo);
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AspireDashboard(process);

        void Forward(string? line)
        {
            if (line is not null)
            {
                onOutput("dashboard", line);
            }
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        process.Dispose();
    }
}
