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
        var required = RequiredVariable().Matches(Compose).Select(match => match.Groups["name"].Value).ToHashSet();

        Assert.NotEmpty(passwords);
        // Either required right there, or a plain reference to a variable that is required elsewhere in the file.
        Assert.All(passwords, value => Assert.True(
            Regex.IsMatch(value, @"^\$\{\w+:\?") || Regex.Match(value, @"^\$\{(?<name>\w+)\}$") is { Success: true } plain
                && required.Contains(plain.Groups["name"].Value),
            value));
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

    [Fact]
    public void The_connect_rest_api_is_not_published_and_kafka_ui_needs_a_login()
    {
        var connect = Compose[Compose.IndexOf("\n  connect:", StringComparison.Ordinal)..Compose.IndexOf("\n  connect-register:", StringComparison.Ordinal)];

        Assert.DoesNotContain("ports:", connect, StringComparison.Ordinal);
        Assert.DoesNotContain("8083:8083", Compose, StringComparison.Ordinal);
        Assert.Contains("AUTH_TYPE: LOGIN_FORM", Compose, StringComparison.Ordinal);
    }

    [Fact]
    public void No_component_logs_in_to_postgres_as_the_superuser_and_every_kafka_client_uses_sasl()
    {
        Assert.DoesNotContain("Username=${POSTGRES_USER", Compose, StringComparison.Ordinal);
        foreach (var role in new[] { "orders_api", "orders_processor", "orders_relay" })
        {
            Assert.Contains($"Username={role};", Compose, StringComparison.Ordinal);
        }

        Assert.Contains("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: INTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT,HOST:SASL_PLAINTEXT", Compose, StringComparison.Ordinal);
        Assert.Contains("Kafka__Producer__security.protocol: SASL_PLAINTEXT", Compose, StringComparison.Ordinal);
        Assert.Contains("Kafka__Consumer__security.protocol: SASL_PLAINTEXT", Compose, StringComparison.Ordinal);
        Assert.Contains("CONNECT_SECURITY_PROTOCOL: SASL_PLAINTEXT", Compose, StringComparison.Ordinal);
        Assert.Contains("KAFKA_CLUSTERS_0_PROPERTIES_SECURITY_PROTOCOL: SASL_PLAINTEXT", Compose, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_migrate_steps_log_in_as_the_schema_owner_and_the_services_wait_for_them()
    {
        Assert.DoesNotContain("MigrateOnStartup", Compose, StringComparison.Ordinal);
        foreach (var step in new[] { "api-migrate", "processor-migrate" })
        {
            Assert.Contains($"  {step}:\n", Compose, StringComparison.Ordinal);
            Assert.Contains($"      {step}:\n        condition: service_completed_successfully", Compose, StringComparison.Ordinal);
        }

        // Two mentions of the owner's login, both in the migrate steps' shared settings.
        var ownerLogins = Regex.Count(Compose, "Username=orders_owner;");
        Assert.Equal(2, ownerLogins);
        Assert.True(Compose.IndexOf("Username=orders_owner;", StringComparison.Ordinal) < Compose.IndexOf("\n  api:\n", StringComparison.Ordinal));
        Assert.Equal(2, Regex.Count(Compose, @"command: \[""migrate""\]"));
    }

    // Keys ending in PASSWORD or password (environment entries, librdkafka's sasl.password), connection strings'
    // Password= and the password="..." of JAAS configs.
    [GeneratedRegex(@"(?:(?<=\s)[\w.]*(?:PASSWORD|password):\s*|Password=|password="")(?<value>[^\s""]+)")]
    private static partial Regex Password();

    [GeneratedRegex(@"\$\{(?<name>\w+):\?")]
    private static partial Regex RequiredVariable();
}
