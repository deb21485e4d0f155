using Orders.SystemHost;

namespace Orders.LocalRun;

/// <summary>
/// <c>token [--client ID] SCOPE...</c>: prints an access token that the local run's API accepts, signed with the
/// development key in <c>.local/</c> (created if the local run has not made one yet), for curl and the Scalar page.
/// </summary>
internal static class TokenCommand
{
    public const string Usage =
        "Usage: dotnet run --project tools/Orders.LocalRun -- token [--client ID] SCOPE... (scopes: " +
        "orders.submit orders.read orders.cancel orders.pay orders.fulfil orders.cancel.payment-timeout, or all)";

    public static int Run(string[] args)
    {
        var clientId = "local-cli";
        var scopes = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--client" && i + 1 < args.Length)
            {
                clientId = args[++i];
            }
            else if (args[i] == "all")
            {
                scopes.AddRange(DevelopmentTokens.AllScopes);
            }
            else if (DevelopmentTokens.AllScopes.Contains(args[i]))
            {
                scopes.Add(args[i]);
            }
            else
            {
                throw new ArgumentException($"Unknown scope or option '{args[i]}'. {Usage}");
            }
        }

        if (scopes.Count == 0)
        {
            throw new ArgumentException($"Name at least one scope. {Usage}");
        }

        var tokens = DevelopmentTokens.LoadOrCreate(SigningKeyPath(RepositoryRoot.Find()));
        Console.WriteLine(tokens.Mint(clientId, scopes.Distinct()));
        return 0;
    }

    /// <summary>Where the local run keeps its development signing key (git-ignored with the rest of <c>.local/</c>).</summary>
    public static string SigningKeyPath(string repositoryRoot) => Path.Combine(repositoryRoot, ".local", "development-signing-key");
}
