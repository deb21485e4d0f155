using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace Orders.Api.Tests;

/// <summary>
/// The API in memory, on the database given by connection string, migrated at start-up, with optional further settings
/// (configuration keys such as <c>RequestLimits:QueueLimit</c>).
/// </summary>
public sealed class OrdersApiFactory(
    string connectionString, bool migrateOnStartup = true, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    public string ConnectionString { get; } = connectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Configuration is the seam: a Testcontainers database would be handed over the same way.
        builder.UseSetting("ConnectionStrings:Orders", ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", migrateOnStartup ? "true" : "false");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
