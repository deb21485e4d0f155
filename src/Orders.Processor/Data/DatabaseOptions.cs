namespace Orders.Processor.Data;

/// <summary>Settings of the processor's database, section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>
    /// Apply pending EF Core migrations (saga, timeout and Quartz tables) at start-up. On in Development and tests, off by
    /// default elsewhere, where migrations are a deployment step.
    /// </summary>
    public bool MigrateOnStartup { get; set; }
}
