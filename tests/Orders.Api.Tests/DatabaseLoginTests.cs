using System.Diagnostics;
using Npgsql;
using Orders.SystemHost;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>
/// The API serves as <c>orders_api</c>, which may change rows but not the schema; the schema belongs to
/// <c>orders_owner</c>, which only the migration logs in as; Production refuses example and empty secrets.
/// </summary>
[Collection(ApiCollectionDefinition.Name)]
public sealed class DatabaseLoginTests(ApiFixture fixture) : ApiTests(fixture)
{
    [Fact]
    public async Task The_api_is_connected_as_orders_api_only_and_that_login_cannot_change_the_schema()
    {
        await Client.SubmitOrderAsync();

        var sessions = await QueryAsync<string>(
            Api.ConnectionString,
            "SELECT DISTINCT usename::text FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        Assert.Equal(["orders_api"], sessions);

        await using var connection = new NpgsqlConnection(OrdersDatabase.Of(Api.ConnectionString).Api);
        await connection.OpenAsync();
        foreach (var ddl in new[] { "CREATE TABLE stolen (id int)", "DROP TABLE outbox", "ALTER TABLE orders ADD COLUMN stolen int" })
        {
            await using var command = new NpgsqlCommand(ddl, connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
    }

    [Fact]
    public async Task The_migrate_command_applies_the_migrations_as_the_owner_and_exits_without_serving()
    {
        var database = OrdersDatabase.Of(await Fixture.Postgres.CreateDatabaseAsync());

        var (exitCode, output) = await MigrateAsync(database.Api, database.Owner);

        Assert.True(exitCode == 0, output);
        Assert.Equal(
            ["__orders_migrations:orders_owner", "idempotency_keys:orders_owner", "orders:orders_owner", "outbox:orders_owner"],
            await TableOwnersAsync(database));
    }

    [Fact]
    public async Task The_migrate_command_waits_for_a_database_that_cannot_be_reached_yet()
    {
        var database = OrdersDatabase.Of(await Fixture.Postgres.CreateDatabaseAsync());
        var direct = new NpgsqlConnectionStringBuilder(database.Owner);
        var notYetUp = LoopbackPort.Free();

        var migrating = MigrateAsync(database.Api, new NpgsqlConnectionStringBuilder(database.Owner) { Port = notYetUp }.ConnectionString);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var upNow = new LostAcknowledgementProxy(direct.Host!, direct.Port, notYetUp);
        var (exitCode, output) = await migrating;

        Assert.True(exitCode == 0, output);
        Assert.Contains("retrying in", output, StringComparison.Ordinal);
        Assert.Equal(4, (await TableOwnersAsync(database)).Count);
    }

    /// <summary>Runs <c>dotnet Orders.Api.dll migrate</c> as a deployment step would, and returns its exit code and output.</summary>
    private static async Task<(int ExitCode, string Output)> MigrateAsync(string login, string ownerLogin)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Orders.Api.dll"), "migrate" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__Orders"] = login;
        start.Environment["ConnectionStrings__OrdersMigrations"] = ownerLogin;
        start.Environment["Authentication__DevelopmentSigningKey"] = DevelopmentTokens.CreateRandom().SigningKey;
        using var migrate = Process.Start(start)!;
        var output = migrate.StandardOutput.ReadToEndAsync();
        var error = migrate.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await migrate.WaitForExitAsync(limit.Token);
        return (migrate.ExitCode, await output + await error);
    }

    private static Task<List<string>> TableOwnersAsync(OrdersDatabase database) => QueryAsync<string>(
        database.Admin, "SELECT tablename || ':' || tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");

    [Theory]
    [InlineData("ConnectionStrings:Orders", "Host=db;Database=orders;Username=orders_api;Password=change-me-api", "ConnectionStrings:Orders")]
    [InlineData("ConnectionStrings:Orders", "Host=db;Database=orders;Username=orders_api", "ConnectionStrings:Orders")]
    [InlineData("Kafka:Producer:sasl.password", "", "Kafka:Producer:sasl.password")]
    [InlineData("OrdersApi:Token:ClientSecret", "change-me-processor-secret", "OrdersApi:Token:ClientSecret")]
    public async Task Production_refuses_to_start_with_an_empty_or_example_secret(string key, string value, string named)
    {
        await using var api = new OrdersApiFactory(
            "Host=127.0.0.1;Port=1;Database=none;Username=postgres;Password=a-real-one;Timeout=2",
            migrateOnStartup: false,
            settings: new Dictionary<string, string>
            {
                ["environment"] = "Production",
                ["Authentication:DevelopmentSigningKey"] = "",
                ["Authentication:Authority"] = "https://login.example.test/realms/shop",
                [key] = value,
            });

        var failure = Assert.Throws<InvalidOperationException>(() => api.CreateClient());
        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
        Assert.StartsWith("Production does not start with an empty or example secret", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<List<T>> QueryAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetFieldValue<T>(0));
        }

        return rows;
    }
}
