using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Orders.SystemHost;

namespace Orders.Api.Tests;

/// <summary>
/// The API in memory, on the database given by its superuser connection string, logged in as <c>orders_api</c> and
/// migrated at start-up as <c>orders_owner</c>, with optional further settings
/// (configuration keys such as <c>RequestLimits:QueueLimit</c>). It trusts tokens of <see cref="Tokens"/>, a development
/// key of its own; <see cref="CreateApiClient"/> gives a client whose token has the scopes asked for.
/// </summary>
public sealed class OrdersApiFactory(
    string connectionString, bool migrateOnStartup = true, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    public string ConnectionString { get; } = connectionString;

    public DevelopmentTokens Tokens { get; } = DevelopmentTokens.CreateRandom();

    /// <summary>A client of the API whose token (for <paramref name="clientId"/>) grants <paramref name="scopes"/>, by default all.</summary>
    public ApiClient CreateApiClient(IEnumerable<string>? scopes = null, string clientId = "test-client")
    {
        var http = CreateClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer", Tokens.Mint(clientId, scopes ?? DevelopmentTokens.AllScopes));
        return new ApiClient(http);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Configuration is the seam: a Testcontainers database would be handed over the same way.
        var logins = OrdersDatabase.Of(ConnectionString);
        builder.UseSetting("ConnectionStrings:Orders", logins.Api);
        builder.UseSetting("ConnectionStrings:OrdersMigrations", logins.Owner);
        builder.UseSetting("Database:MigrateOnStartup", migrateOnStartup ? "true" : "false");
        builder.UseSetting("Authentication:DevelopmentSigningKey", Tokens.SigningKey);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }
}
