using Npgsql;

namespace Orders.SystemHost;

/// <summary>
/// The logins of one database prepared by ops/database/component-roles.sql, as connection strings: the schema's owner,
/// which only migrates, and one per component, as ops/compose uses them. <see cref="Admin"/> is the cluster's superuser,
/// which no component uses: tests set up and look up rows with it.
/// </summary>
public sealed record OrdersDatabase(string Admin)
{
    /// <summary><c>orders_owner</c>: <c>ConnectionStrings:OrdersMigrations</c> of the API and the processor.</summary>
    public string Owner => As("orders_owner");

    public string Api => As("orders_api");

    public string Processor => As("orders_processor");

    public string Relay => As("orders_relay");

    public string Connect => As("orders_connect");

    public string Operations => As("orders_operations");

    /// <summary>The logins of the database <paramref name="adminConnectionString"/> names.</summary>
    public static OrdersDatabase Of(string adminConnectionString) => new(adminConnectionString);

    private string As(string role) => new NpgsqlConnectionStringBuilder(Admin) { Username = role }.ConnectionString;
}
