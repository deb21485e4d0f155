using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Orders.ServiceDefaults.Secrets;

/// <summary>
/// What a Production deployable refuses to start with: a database login without a password, or any password or secret
/// that is empty or still an example value (<c>change-me…</c>, the placeholders of ops/compose/.env.example).
/// </summary>
internal static class ProductionSecrets
{
    private const string ExamplePrefix = "change-me";

    // Configuration keys whose values are secrets: librdkafka's sasl.password and ssl.key.password, the processor's
    // OrdersApi:Token:ClientSecret, and any other *Password or *Secret setting.
    private static readonly string[] SecretKeySuffixes = ["password", "secret"];

    public static void Check(IConfiguration configuration)
    {
        var refused = new List<string>();
        foreach (var connection in configuration.GetSection("ConnectionStrings").GetChildren())
        {
            if (connection.Value is null)
            {
                continue;
            }

            var login = new NpgsqlConnectionStringBuilder(connection.Value);
            if (string.IsNullOrEmpty(login.Passfile) && IsEmptyOrExample(login.Password))
            {
                refused.Add($"{connection.Path} (its Password)");
            }
        }

        foreach (var setting in configuration.AsEnumerable())
        {
            var key = setting.Key[(setting.Key.LastIndexOf(':') + 1)..];
            if (setting.Value is not null && SecretKeySuffixes.Any(s => key.EndsWith(s, StringComparison.OrdinalIgnoreCase))
                && IsEmptyOrExample(setting.Value))
            {
                refused.Add(setting.Key);
            }
        }

        if (refused.Count > 0)
        {
            throw new InvalidOperationException(
                "Production does not start with an empty or example secret; set a real one for: " + string.Join(", ", refused) + ".");
        }
    }

    private static bool IsEmptyOrExample(string? secret) =>
        string.IsNullOrEmpty(secret) || secret.StartsWith(ExamplePrefix, StringComparison.OrdinalIgnoreCase);
}
