using System.Text.RegularExpressions;
using Xunit;

namespace Orders.Ops.Tests.Compose;

/// <summary>
/// Text checks of ops/compose that need no Docker tooling; ops/compose/validate.sh does the full schema check.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Compose = string.Join('\n', RepositoryFiles.ReadAllText("ops/compose/docker-compose.yml")
        .Split('\n')
        .Where(line => !line.TrimStart().StartsWith('#')));
    private static readonly string EnvExample = RepositoryFiles.ReadAllText("ops/compose/.env.example");

    [Fact]
    public void Every_password_in_the_compose_file_comes_from_the_env_file_and_is_required()
    {
        var passwords = Password().Matches(Compose).Select(match => match.Groups["value"].Value).ToList();

        Assert.NotEmpty(passwords);
        Assert.All(passwords, value => Assert.Matches(@"^\$\{\w+:\?", value));
    }

    [Fact]
    public void The_env_example_defines_every_variable_the_compose_file_requires()
    {
        var required = RequiredVariable().Matches(Compose).Select(match => match.Groups["name"].Value).Distinct();
        var defined = EnvExample.Split('\n').Where(line => line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('#'))
            .Select(line => line[..line.IndexOf('=', StringComparison.Ordinal)].Trim())
            .ToHashSet();

        Assert.All(required, name => Assert.Contains(name, defined));
    }

    [Fact]
    public void Connect_runs_with_the_env_config_provider_the_connector_placeholders_need()
    {
        Assert.Contains("CONNECT_CONFIG_PROVIDERS: env", Compose, StringComparison.Ordinal);
        Assert.Contains(
            "CONNECT_CONFIG_PROVIDERS_ENV_CLASS: org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            Compose,
            StringComparison.Ordinal);
        foreach (var variable in new[] { "ORDERS_DB_JDBC_URL", "ORDERS_DB_USER", "ORDERS_DB_PASSWORD" })
        {
            Assert.Contains($"      {variable}: ", Compose, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"(?:PASSWORD:|Password=)\s*(?<value>\S+)")]
    private static partial Regex Password();

    [GeneratedRegex(@"\$\{(?<name>\w+):\?")]
    private static partial Regex RequiredVariable();
}
