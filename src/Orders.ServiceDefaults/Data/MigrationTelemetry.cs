using System.Diagnostics;

namespace Orders.ServiceDefaults.Data;

/// <summary>The ActivitySource of start-up migrations, <c>Orders.Migrations</c>.</summary>
internal static class MigrationTelemetry
{
    public const string SourceName = "Orders.Migrations";

    public static readonly ActivitySource Source = new(SourceName);
}
