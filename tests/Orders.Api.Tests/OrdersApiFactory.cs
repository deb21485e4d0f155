using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Orders.Api.Tests;

/// <summary>The API in memory, on the database given by connection string, migrated at start-up.</summary>
public sealed class OrdersApiFactory(string connectionString, bool migrateOnStartup = true) : WebApplicationFactory<Program>
{
    public string ConnectionString { get; } = connectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Configuration is the seam: a Testcontainers database would be handed over the same way.
        builder.UseSetting("ConnectionStrings:Orders", ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", migrateOnStartup ? "true" : "false");
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
