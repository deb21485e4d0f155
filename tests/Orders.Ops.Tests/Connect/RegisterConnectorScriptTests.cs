using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit;
using static Orders.Ops.Tests.Connect.FakeConnectWorker;

namespace Orders.Ops.Tests.Connect;

public sealed class RegisterConnectorScriptTests
{
    private const string Script = "ops/connect/register-connector.sh";
    private const string ShippedConfig = "ops/connect/outbox-source.json";
    private const string SeedConfig = "ops/connect/outbox-source.seed-unsafe.json";

    private static readonly Reply Created = new(201, """{"name":"orders-outbox-source","config":{},"tasks":[],"type":"source"}""");
    private static readonly Reply NoStatusYet = new(404, """{"error_code":404,"message":"No status found for connector orders-outbox-source"}""");

    public RegisterConnectorScriptTests() => RequireTools("bash", "curl", "jq");

    [Fact]
    public async Task It_puts_every_key_of_outbox_source_json_unchanged_to_the_connector_config_path()
    {
        await using var connect = await StartAsync([Created], [Status("RUNNING", "RUNNING")]);

        var run = await RegisterAsync(connect, ShippedConfig);

        Assert.True(run.ExitCode == 0, run.Output);
        var put = Assert.Single(connect.Requests, request => request.Method == "PUT");
        Assert.Equal("/connectors/orders-outbox-source/config", put.Path);
        Assert.StartsWith("application/json", put.ContentType, StringComparison.Ordinal);
        var sent = JsonNode.Parse(put.Body)!.AsObject();
        var file = JsonNode.Parse(RepositoryFiles.ReadAllText(ShippedConfig))!.AsObject();
        Assert.True(JsonNode.DeepEquals(file, sent), $"Sent {sent.ToJsonString()}");
        Assert.Equal("${env:ORDERS_DB_PASSWORD}", (string?)sent["connection.password"]);
    }

    [Fact]
    public async Task It_waits_through_UNASSIGNED_and_RESTARTING_until_the_connector_and_all_tasks_are_RUNNING()
    {
        await using var connect = await StartAsync(
            [Created],
            [
                NoStatusYet,
                Status("UNASSIGNED"),
                Status("RUNNING", "UNASSIGNED"),
                Status("RUNNING", "RESTARTING"),
                Status("RUNNING", "RUNNING"),
            ]);

        var run = await RegisterAsync(connect, ShippedConfig);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(5, connect.Requests.Count(request => request.Method == "GET"));
        Assert.Contains("connector RUNNING, tasks: 0=RESTARTING", run.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("are RUNNING", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_exits_non_zero_and_prints_the_trace_when_a_task_FAILED()
    {
        const string trace = "org.apache.kafka.connect.errors.ConnectException: FATAL: password authentication failed";
        await using var connect = await StartAsync(
            [Created],
            [Status("RUNNING", "UNASSIGNED"), new Reply(200, StatusJson("RUNNING", [("FAILED", trace)]))]);

        var run = await RegisterAsync(connect, ShippedConfig);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(trace, run.StandardError, StringComparison.Ordinal);
        Assert.Contains("FAILED", run.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "Connector configuration is invalid and contains the following 1 error(s)")]
    [InlineData(500, "Failed to find any class that implements Connector and which name matches JdbcSourceConnector")]
    public async Task It_exits_non_zero_with_the_body_when_PUT_fails(int status, string message)
    {
        await using var connect = await StartAsync(
            [new Reply(status, $$"""{"error_code":{{status}},"message":"{{message}}"}""")],
            [Status("RUNNING", "RUNNING")]);

        var run = await RegisterAsync(connect, ShippedConfig);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"HTTP {status}", run.StandardError, StringComparison.Ordinal);
        Assert.Contains(message, run.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(connect.Requests, request => request.Method == "GET");
    }

    [Fact]
    public async Task It_retries_the_PUT_while_Connect_is_rebalancing()
    {
        var rebalancing = new Reply(409, """{"error_code":409,"message":"Cannot complete request because of a conflicting operation (e.g. worker rebalance)"}""");
        await using var connect = await StartAsync([rebalancing, rebalancing, Created], [Status("RUNNING", "RUNNING")]);

        var run = await RegisterAsync(connect, ShippedConfig);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(3, connect.Requests.Count(request => request.Method == "PUT"));
    }

    [Fact]
    public async Task It_times_out_non_zero_when_the_connector_never_becomes_RUNNING()
    {
        await using var connect = await StartAsync([Created], [Status("RUNNING", "UNASSIGNED")]);
        var clock = Stopwatch.StartNew();

        var run = await RegisterAsync(connect, ShippedConfig, "--timeout", "1");

        Assert.Equal(4, run.ExitCode);
        Assert.Contains("was not RUNNING within 1s", run.StandardError, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task It_refuses_the_seed_unsafe_file_and_sends_nothing()
    {
        await using var connect = await StartAsync([Created], [Status("RUNNING", "RUNNING")]);

        var run = await RegisterAsync(connect, SeedConfig);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(connect.Requests);
        Assert.Contains("seed-unsafe", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("connection.password is a literal value", run.StandardError, StringComparison.Ordinal);
        Assert.Contains("mode=incrementing without the pg_snapshot_xmin filter", run.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task It_registers_the_seed_file_under_its_own_name_only_when_forced()
    {
        await using var connect = await StartAsync([Created], [Status("RUNNING", "RUNNING")]);

        var run = await RegisterAsync(connect, SeedConfig, "--force");

        Assert.True(run.ExitCode == 0, run.Output);
        var put = Assert.Single(connect.Requests, request => request.Method == "PUT");
        Assert.Equal("/connectors/outbox-source/config", put.Path);
    }

    [Fact]
    public async Task A_name_option_renames_the_connector_in_both_the_path_and_the_body()
    {
        await using var connect = await StartAsync([Created], [Status("RUNNING", "RUNNING")]);

        var run = await RegisterAsync(connect, ShippedConfig, "--name", "orders-outbox-source-v2");

        Assert.True(run.ExitCode == 0, run.Output);
        var put = Assert.Single(connect.Requests, request => request.Method == "PUT");
        Assert.Equal("/connectors/orders-outbox-source-v2/config", put.Path);
        Assert.Equal("orders-outbox-source-v2", (string?)JsonNode.Parse(put.Body)!["name"]);
        Assert.Equal("/connectors/orders-outbox-source-v2/status", connect.Requests[^1].Path);
    }

    [Fact]
    public async Task It_stops_with_a_clear_message_when_curl_or_jq_is_missing()
    {
        var emptyPath = Directory.CreateTempSubdirectory("no-tools-").FullName;
        try
        {
            var run = await ScriptRun.RunAsync(Script, [ShippedConfig], new Dictionary<string, string> { ["PATH"] = emptyPath });

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("'curl' is required but not installed", run.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(emptyPath);
        }
    }

    private static Task<ScriptRun> RegisterAsync(FakeConnectWorker connect, string config, params string[] options) =>
        ScriptRun.RunAsync(Script, ["--url", connect.Url, "--interval", "0.05", .. options, config]);

    private static void RequireTools(params string[] tools)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        var missing = tools.Where(tool => !path.Any(directory => File.Exists(Path.Combine(directory, tool)))).ToList();
        Assert.True(
            missing.Count == 0,
            $"register-connector.sh needs {string.Join(", ", missing)} on PATH: apt-get install -y {string.Join(' ', missing)}");
    }
}
