using Xunit;

namespace Orders.Ops.Tests.Compose;

/// <summary>ops/compose/check-env.sh: the stack does not start on the example file's placeholders.</summary>
public sealed class EnvCheckTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("orders-env-").FullName;

    [Fact]
    public async Task The_env_example_is_refused_with_every_placeholder_named()
    {
        var run = await ScriptRun.RunAsync("ops/compose/check-env.sh", [RepositoryFiles.PathOf("ops/compose/.env.example")]);

        Assert.Equal(1, run.ExitCode);
        foreach (var name in new[] { "POSTGRES_PASSWORD", "API_DB_PASSWORD", "KAFKA_UI_PASSWORD", "PROCESSOR_CLIENT_SECRET", "ORDERS_AUTHORITY" })
        {
            Assert.Contains(name, run.StandardError, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_env_file_with_every_secret_replaced_is_accepted()
    {
        var filled = (await File.ReadAllLinesAsync(RepositoryFiles.PathOf("ops/compose/.env.example")))
            .Select(line => line.Contains("=change-me", StringComparison.Ordinal)
                ? line[..line.IndexOf('=', StringComparison.Ordinal)] + "=s3cret-" + Guid.NewGuid().ToString("N")
                : line);
        var path = Path.Combine(folder, ".env");
        await File.WriteAllLinesAsync(path, filled);

        var run = await ScriptRun.RunAsync("ops/compose/check-env.sh", [path]);

        Assert.True(run.ExitCode == 0, run.Output);
    }

    [Fact]
    public async Task An_empty_secret_is_refused()
    {
        var path = Path.Combine(folder, ".env");
        await File.WriteAllLinesAsync(path, ["POSTGRES_DB=orders", "API_DB_PASSWORD=", "KAFKA_UI_USER=admin"]);

        var run = await ScriptRun.RunAsync("ops/compose/check-env.sh", [path]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("API_DB_PASSWORD", run.StandardError, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
