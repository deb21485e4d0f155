namespace Orders.LocalRun;

/// <summary>Command-line options of the local run.</summary>
internal sealed record LocalRunOptions(bool Demo, int ApiPort, int PostgresPort, string? DataDirectory)
{
    public const int DefaultApiPort = 5080;
    public const int DefaultPostgresPort = 55432;
    public const int OperationsPort = 5083;

    /// <summary>The processor's health and metrics port.</summary>
    public const int ProcessorPort = 5081;

    /// <summary>The relay's health and metrics port.</summary>
    public const int RelayPort = 5082;

    public static LocalRunOptions Parse(string[] args)
    {
        var demo = false;
        var apiPort = DefaultApiPort;
        var postgresPort = DefaultPostgresPort;
        string? dataDirectory = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--demo":
                    demo = true;
                    break;
                case "--api-port" when i + 1 < args.Length:
                    apiPort = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--pg-port" when i + 1 < args.Length:
                    postgresPort = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--data-dir" when i + 1 < args.Length:
                    dataDirectory = Path.GetFullPath(args[++i]);
                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown option '{args[i]}'. Usage: dotnet run --project tools/Orders.LocalRun [-- [--demo] [--api-port N] [--pg-port N] [--data-dir FOLDER]], or -- token SCOPE...");
            }
        }

        return new LocalRunOptions(demo, apiPort, postgresPort, dataDirectory);
    }
}
