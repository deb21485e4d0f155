namespace Orders.ServiceDefaults.Data;

/// <summary>One deployable's schema migrations, applied at start-up or by the <c>migrate</c> command.</summary>
internal interface IDatabaseMigration
{
    string Name { get; }

    Task MigrateAsync(CancellationToken cancellationToken);
}
