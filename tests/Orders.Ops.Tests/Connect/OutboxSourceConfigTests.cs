using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace Orders.Ops.Tests.Connect;

/// <summary>
/// The shipped connector config is a contract with Orders.Relay (which must emit the same bytes) and Orders.Processor
/// (which decodes them): these settings may not drift.
/// </summary>
public sealed partial class OutboxSourceConfigTests
{
    private static readonly Dictionary<string, string> Config = Load("ops/connect/outbox-source.json");

    [Fact]
    public void It_holds_no_literal_credentials_only_worker_env_placeholders()
    {
        Assert.Equal("${env:ORDERS_DB_JDBC_URL}", Config["connection.url"]);
        Assert.Equal("${env:ORDERS_DB_USER}", Config["connection.user"]);
        Assert.Equal("${env:ORDERS_DB_PASSWORD}", Config["connection.password"]);
        Assert.DoesNotContain(Config, setting =>
            setting.Key != "connection.password" && setting.Key.Contains("password", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(Config.Values, value => JdbcCredential().IsMatch(value));
    }

    [Fact]
    public void It_reads_in_transaction_id_order_behind_the_xmin_horizon_in_query_mode()
    {
        Assert.Equal("io.confluent.connect.jdbc.JdbcSourceConnector", Config["connector.class"]);
        Assert.Equal("1", Config["tasks.max"]);
        Assert.Equal("incrementing", Config["mode"]);
        Assert.Equal("transaction_id", Config["incrementing.column.name"]);
        Assert.False(Config.ContainsKey("table.whitelist"), "query mode: a table list would switch to table mode");
        Assert.False(Config.ContainsKey("query.suffix"), "the connector appends its WHERE/ORDER BY after the query");

        var query = Config["query"];
        Assert.Contains("transaction_id < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint", query, StringComparison.Ordinal);
        Assert.Contains(
            "SELECT id, user_id, aggregate_id, type, payload, created_at, transaction_id, traceparent FROM public.outbox",
            query,
            StringComparison.Ordinal);
        Assert.Matches(@"\) AS \w+$", query);
    }

    [Fact]
    public void It_publishes_to_microshop_order_outbox_with_the_plain_user_id_as_key_and_a_schema_envelope()
    {
        Assert.Equal("microshop.order-outbox", Config["topic.prefix"]);
        Assert.Equal("org.apache.kafka.connect.storage.StringConverter", Config["key.converter"]);
        Assert.Equal("org.apache.kafka.connect.json.JsonConverter", Config["value.converter"]);
        Assert.Equal("true", Config.GetValueOrDefault("value.converter.schemas.enable", "true"));
        Assert.Equal("createKey,extractKey,traceHeader", Config["transforms"]);
        Assert.Equal("org.apache.kafka.connect.transforms.ValueToKey", Config["transforms.createKey.type"]);
        Assert.Equal("user_id", Config["transforms.createKey.fields"]);
        Assert.Equal("org.apache.kafka.connect.transforms.ExtractField$Key", Config["transforms.extractKey.type"]);
        Assert.Equal("user_id", Config["transforms.extractKey.field"]);
    }

    [Fact]
    public void It_moves_the_traceparent_column_into_a_record_header_of_the_same_name_as_plain_text()
    {
        Assert.Equal("org.apache.kafka.connect.transforms.HeaderFrom$Value", Config["transforms.traceHeader.type"]);
        Assert.Equal("traceparent", Config["transforms.traceHeader.fields"]);
        Assert.Equal("traceparent", Config["transforms.traceHeader.headers"]);
        // Moved, not copied: the value keeps exactly the fields it had before the column existed.
        Assert.Equal("move", Config["transforms.traceHeader.operation"]);
        Assert.Equal("org.apache.kafka.connect.storage.SimpleHeaderConverter", Config["header.converter"]);
    }

    [Fact]
    public void The_seed_file_is_the_seeds_table_mode_config_and_says_it_is_unsafe_in_its_name()
    {
        var seed = Load("ops/connect/outbox-source.seed-unsafe.json");

        Assert.Equal("incrementing", seed["mode"]);
        Assert.Equal("id", seed["incrementing.column.name"]);
        Assert.Equal("outbox", seed["table.whitelist"]);
        Assert.Equal("microshop.order-", seed["topic.prefix"]);
        Assert.Equal("createKey", seed["transforms"]);
        Assert.NotEqual(Config["name"], seed["name"]);
    }

    private static Dictionary<string, string> Load(string path) =>
        JsonNode.Parse(RepositoryFiles.ReadAllText(path))!.AsObject()
            .ToDictionary(setting => setting.Key, setting => setting.Value!.GetValue<string>());

    [GeneratedRegex("(password|user)=", RegexOptions.IgnoreCase)]
    private static partial Regex JdbcCredential();
}
