using System.Globalization;

namespace Orders.Benchmark;

/// <summary>The command line of the benchmark; <c>--quick</c> shrinks every phase so a run stays under two minutes.</summary>
internal sealed record BenchmarkOptions
{
    public const string Usage =
        "Usage: dotnet run -c Release --project bench/Orders.Benchmark -- [--quick] [--workload submit|lifecycle] " +
        "[--rate ORDERS_PER_S] [--duration S] [--concurrency N] [--max-duration S] [--backlog N] [--deadlines N] [--set Section__Key=value]...";

    public bool Quick { get; init; }

    public Workload Workload { get; init; } = Workload.Lifecycle;

    /// <summary>Orders started per second in the steady (open-loop) phase.</summary>
    public double Rate { get; init; } = 500;

    /// <summary>Length of the steady phase.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Closed-loop clients of the maximum-rate phase, for the API and for the SQL ceiling alike.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Length of each maximum-rate phase (API, then SQL ceiling).</summary>
    public TimeSpan MaxRateDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Outbox rows pending when the relay restarts, and so events pending when the processor restarts.</summary>
    public int Backlog { get; init; } = 100_000;

    /// <summary>Payment deadlines made due at the same moment in each deadline-burst phase (one node, then two).</summary>
    public int Deadlines { get; init; } = 20_000;

    /// <summary>How long the system may take to catch up after the warm-up and after the steady phase.</summary>
    public TimeSpan CatchUpDeadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long each drain may run; a drain cut short reports the rate it reached.</summary>
    public TimeSpan DrainDeadline { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Settings given to every deployable (<c>--set Relay__BatchSize=5000</c>), to measure a change before making it.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    public string CommandLine { get; init; } = "";

    public static BenchmarkOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = quick
            ? new BenchmarkOptions
            {
                Quick = true,
                Duration = TimeSpan.FromSeconds(15),
                MaxRateDuration = TimeSpan.FromSeconds(5),
                Backlog = 10_000,
                Deadlines = 2_000,
                CatchUpDeadline = TimeSpan.FromSeconds(15),
                DrainDeadline = TimeSpan.FromSeconds(15),
            }
            : new BenchmarkOptions();
        options = options with { CommandLine = string.Join(' ', args) };
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--quick" => options,
                "--workload" => options with { Workload = ParseWorkload(Value(args, ref i)) },
                "--rate" => options with { Rate = Positive(double.Parse(Value(args, ref i), CultureInfo.InvariantCulture)) },
                "--duration" => options with { Duration = Seconds(Value(args, ref i)) },
                "--concurrency" => options with { Concurrency = (int)Positive(int.Parse(Value(args, ref i), CultureInfo.InvariantCulture)) },
                "--max-duration" => options with { MaxRateDuration = Seconds(Value(args, ref i)) },
                "--set" => options with { Settings = WithSetting(options.Settings, Value(args, ref i)) },
                "--deadlines" => options with { Deadlines = (int)Positive(int.Parse(Value(args, ref i), CultureInfo.InvariantCulture)) },
                "--backlog" => options with { Backlog = (int)Positive(int.Parse(Value(args, ref i), CultureInfo.InvariantCulture)) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. {Usage}"),
            };
        }

        return options;
    }

    private static string Value(string[] args, ref int i) =>
        i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");

    private static Dictionary<string, string> WithSetting(IReadOnlyDictionary<string, string> settings, string assignment)
    {
        var parts = assignment.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0)
        {
            throw new ArgumentException($"--set needs Section__Key=value, not '{assignment}'. {Usage}");
        }

        return new Dictionary<string, string>(settings) { [parts[0]] = parts[1] };
    }

    private static Workload ParseWorkload(string value) => value switch
    {
        "submit" => Workload.Submit,
        "lifecycle" => Workload.Lifecycle,
        _ => throw new ArgumentException($"Unknown workload '{value}'. {Usage}"),
    };

    private static TimeSpan Seconds(string value) =>
        TimeSpan.FromSeconds(Positive(double.Parse(value, CultureInfo.InvariantCulture)));

    private static double Positive(double value) =>
        value > 0 ? value : throw new ArgumentException($"{value} must be positive. {Usage}");
}
