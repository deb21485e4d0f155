namespace Orders.ServiceDefaults.Data;

/// <summary>Settings of a deployable's database, section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>
    /// Apply pending EF Core migrations at start-up, as <c>ConnectionStrings:OrdersMigrations</c> (the schema's owner).
    /// On in local runs and tests; off by default, where migrations are a deployment step: the deployable's
    /// <c>migrate</c> command.
    /// </summary>
    public bool MigrateOnStartup { get; set; }
}
