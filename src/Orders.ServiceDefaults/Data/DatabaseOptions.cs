namespace Orders.ServiceDefaults.Data;

/// <summary>Settings of a deployable's database, section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>
    /// Apply pending EF Core migrations at start-up. On in Development (and so in local runs and tests), off by default
    /// elsewhere, where migrations are a deployment step.
    /// </summary>
    public bool MigrateOnStartup { get; set; }
}
