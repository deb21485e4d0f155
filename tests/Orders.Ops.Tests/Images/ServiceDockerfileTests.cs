using System.Xml.Linq;
using Xunit;

namespace Orders.Ops.Tests.Images;

/// <summary>
/// The service Dockerfiles list the projects to restore by hand (for layer caching), so they drift when a project
/// gains a reference or turns into a web app; these checks catch that without a Docker engine.
/// </summary>
public sealed class ServiceDockerfileTests
{
    public static TheoryData<string> Services => ["Orders.Api", "Orders.Processor", "Orders.Relay"];

    [Theory]
    [MemberData(nameof(Services))]
    public void The_restore_layer_copies_every_project_of_the_reference_closure_before_the_sources(string service)
    {
        var lines = DockerfileLines(service);
        var copied = lines.Where(IsCopyFromContext).SelectMany(CopySources).ToList();
        var restore = lines.FindIndex(line => line.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        Assert.True(restore >= 0, "no RUN dotnet restore");
        var beforeRestore = lines.Take(restore).Where(IsCopyFromContext).SelectMany(CopySources).ToList();

        foreach (var central in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" })
        {
            Assert.Contains(central, beforeRestore);
        }

        foreach (var project in ReferenceClosure($"src/{service}/{service}.csproj"))
        {
            Assert.Contains(project, beforeRestore);
            Assert.Contains(project[..(project.LastIndexOf('/') + 1)], copied);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_final_image_is_aspnet_for_a_web_project_and_runtime_for_a_worker(string service)
    {
        var project = XDocument.Load(RepositoryFiles.PathOf($"src/{service}/{service}.csproj")).Root!;
        var isWeb = (string?)project.Attribute("Sdk") == "Microsoft.NET.Sdk.Web"
            || project.Descendants("FrameworkReference").Any(reference => (string?)reference.Attribute("Include") == "Microsoft.AspNetCore.App");

        var finalBase = DockerfileLines(service).Last(line => line.StartsWith("FROM ", StringComparison.Ordinal));

        Assert.Equal(isWeb ? "FROM mcr.microsoft.com/dotnet/aspnet:10.0" : "FROM mcr.microsoft.com/dotnet/runtime:10.0", finalBase);
        Assert.Contains(
            "FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build",
            DockerfileLines(service));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_image_runs_the_service_as_the_non_root_app_user(string service)
    {
        var lines = DockerfileLines(service);

        Assert.Equal("USER $APP_UID", lines.Last(line => line.StartsWith("USER ", StringComparison.Ordinal)));
        Assert.Equal($"ENTRYPOINT [\"dotnet\", \"{service}.dll\"]", lines[^1]);
    }

    [Fact]
    public void The_api_image_probes_health_ready_with_the_bundled_bash_probe()
    {
        var lines = DockerfileLines("Orders.Api");

        Assert.Contains("COPY ops/docker/http-healthcheck.sh /usr/local/bin/http-healthcheck", lines);
        var healthCheck = Assert.Single(lines, line => line.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.EndsWith("CMD [\"bash\", \"/usr/local/bin/http-healthcheck\", \"/health/ready\"]", healthCheck, StringComparison.Ordinal);
    }

    private static List<string> DockerfileLines(string service) =>
        [.. RepositoryFiles.ReadAllText($"src/{service}/Dockerfile").Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))];

    private static bool IsCopyFromContext(string line) =>
        line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from=", StringComparison.Ordinal);

    private static IEnumerable<string> CopySources(string copyLine)
    {
        var arguments = copyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(part => !part.StartsWith("--", StringComparison.Ordinal)).ToList();
        return arguments.Take(arguments.Count - 1);
    }

    private static SortedSet<string> ReferenceClosure(string project)
    {
        var closure = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!closure.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(RepositoryFiles.PathOf(current))!;
            foreach (var reference in XDocument.Load(RepositoryFiles.PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, ((string)reference.Attribute("Include")!).Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(RepositoryFiles.RootDirectory, full).Replace('\\', '/'));
            }
        }

        return closure;
    }
}
