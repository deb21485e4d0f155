using Npgsql;
using Orders.Testing;
using Xunit;

namespace Orders.Ops.Tests.Compose;

/// <summary>
/// Runs ops/compose/postgres-init/10-component-roles.sh (and so ops/database/component-roles.sql, which the local run
/// and the tests use too) against PostgreSQL 15 as the image would on first start, lets the owner create what the
/// migrations create (the API's orders and outbox, the processor's fulfilment table) and the relay its position, and
/// checks that every login can do its job and is refused the rest. Roles are cluster-wide, so the script runs once:
/// this class has one test.
/// </summary>
[Collection(SharedPostgres.Name)]
public sealed class ComponentRoleTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string InsufficientPrivilege = "42501";
    private NpgsqlConnectionStringBuilder database = new();

    public async Task InitializeAsync()
    {
        database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync());
        var run = await ScriptRun.RunAsync("ops/compose/postgres-init/10-component-roles.sh", [], new Dictionary<string, string>
        {
            ["PGHOST"] = database.Host!,
            ["PGPORT"] = database.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POSTGRES_USER"] = database.Username!,
            ["POSTGRES_DB"] = database.Database!,
            ["ORDERS_ROLES_SCRIPT"] = RepositoryFiles.PathOf("ops/database/component-roles.sql"),
            ["MIGRATIONS_DB_PASSWORD"] = "m",
            ["API_DB_PASSWORD"] = "a",
            ["PROCESSOR_DB_PASSWORD"] = "p",
            ["RELAY_DB_PASSWORD"] = "r",
            ["CONNECT_DB_PASSWORD"] = "c",
            ["OPERATIONS_DB_PASSWORD"] = "o",
        });
        Assert.True(run.ExitCode == 0, run.Output);

        await AsAsync("orders_owner", """
            CREATE TABLE orders (id int PRIMARY KEY); CREATE TABLE outbox (id bigserial PRIMARY KEY, n int);
            CREATE SCHEMA IF NOT EXISTS fulfilment; CREATE TABLE fulfilment.order_state (id int)
            """);
        await AsAsync("orders_relay", "CREATE TABLE IF NOT EXISTS outbox_relay_position (name text PRIMARY KEY, position bigint)");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Each_component_can_do_its_job_and_is_refused_everything_else_and_none_is_a_superuser()
    {
        await AsAsync("orders_api", "INSERT INTO orders VALUES (1); INSERT INTO outbox (n) VALUES (1); UPDATE orders SET id = 2");
        await AssertRefusedAsync("orders_api", "SELECT * FROM fulfilment.order_state");
        await AssertRefusedAsync("orders_api", "CREATE TABLE public.stolen (id int)");
        await AssertRefusedAsync("orders_api", "DROP TABLE public.outbox");
        await AssertRefusedAsync("orders_api", "ALTER TABLE public.orders ADD COLUMN stolen int");

        await AsAsync("orders_connect", "SELECT * FROM public.outbox");
        await AssertRefusedAsync("orders_connect", "SELECT * FROM public.orders");
        await AssertRefusedAsync("orders_connect", "INSERT INTO public.outbox (n) VALUES (2)");
        await AssertRefusedAsync("orders_connect", "CREATE TABLE public.stolen (id int)");

        await AsAsync("orders_relay", "SELECT * FROM public.outbox; INSERT INTO outbox_relay_position VALUES ('relay', 1)");
        await AssertRefusedAsync("orders_relay", "SELECT * FROM public.orders");
        await AssertRefusedAsync("orders_relay", "DELETE FROM public.outbox");
        await AssertRefusedAsync("orders_relay", "SELECT * FROM fulfilment.order_state");

        await AsAsync("orders_processor", "INSERT INTO fulfilment.order_state VALUES (1); DELETE FROM fulfilment.order_state");
        await AssertRefusedAsync("orders_processor", "CREATE TABLE fulfilment.stolen (id int)");
        await AssertRefusedAsync("orders_processor", "DROP TABLE fulfilment.order_state");
        await AssertRefusedAsync("orders_processor", "SELECT * FROM public.orders");
        await AssertRefusedAsync("orders_processor", "SELECT * FROM public.outbox");
        await AssertRefusedAsync("orders_processor", "CREATE TABLE public.stolen (id int)");

        await AsAsync("orders_operations", """
            SELECT * FROM public.orders; UPDATE fulfilment.order_state SET id = 2; SELECT * FROM outbox_relay_position
            """);
        await AssertRefusedAsync("orders_operations", "UPDATE public.orders SET id = 2");
        await AssertRefusedAsync("orders_operations", "INSERT INTO public.outbox (n) VALUES (3)");
        await AssertRefusedAsync("orders_operations", "UPDATE outbox_relay_position SET position = 0");

        await AssertRefusedAsync("orders_owner", "CREATE ROLE stolen LOGIN SUPERUSER");

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'orders\\_%' AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls)",
            connection);

        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    private async Task AsAsync(string role, string sql)
    {
        var login = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Pooling = false };
        await using var connection = new NpgsqlConnection(login.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task AssertRefusedAsync(string role, string sql)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => AsAsync(role, sql));
        Assert.True(refused.SqlState == InsufficientPrivilege, $"{role}: {sql}: {refused.SqlState} {refused.MessageText}");
    }
}
