using System.Globalization;
using Orders.Fulfilment.Scenarios;

// dotnet run --project tools/Orders.SagaReplay -- <history.json | --connection <Npgsql> --order <id> [--save <file>]> [--after <timespan>]
string? file = null, connection = null, order = null, save = null;
var after = TimeSpan.FromDays(3);
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--connection": connection = Next(); break;
        case "--order": order = Next(); break;
        case "--save": save = Next(); break;
        case "--after" when TimeSpan.TryParse(Next(), CultureInfo.InvariantCulture, out var time) && time >= TimeSpan.Zero: after = time; break;
        case "--after": return Usage("--after takes a duration such as 3.00:00:00");
        case var path when !path.StartsWith("--", StringComparison.Ordinal) && file is null: file = path; break;
        default: return Usage($"unknown argument {args[i]}");
    }
}

if ((file is null) == (connection is null) || (connection is not null && !Guid.TryParse(order, out _)))
{
    return Usage("give either a history file, or --connection and --order <order id>");
}

try
{
    var history = file is not null
        ? await File.ReadAllTextAsync(file)
        : await RecordedHistory.ExportAsync(connection!, Guid.Parse(order!));
    if (save is not null)
    {
        await File.WriteAllTextAsync(save, history);
    }

    var events = RecordedHistory.Parse(history);
    if (events.Count == 0)
    {
        return Usage("the history holds no events");
    }

    var state = await SagaReplay.RunAsync(events, Console.Out, after);
    // A parked end means the history has a gap the saga could not get past: worth a look before shipping a change.
    return state == "Parked" ? 2 : 0;
}
catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException
    or System.Text.Json.JsonException or ArgumentException or Npgsql.NpgsqlException)
{
    return Usage(exception.Message);
}

static int Usage(string problem)
{
    Console.Error.WriteLine($"""
        Orders.SagaReplay: {problem.TrimEnd('.')}.
        Usage: dotnet run --project tools/Orders.SagaReplay -- <history.json> [--after 3.00:00:00]
               dotnet run --project tools/Orders.SagaReplay -- --connection "<Npgsql connection string>" --order <order id> [--save history.json] [--after ...]
        A history file is what RecordedHistory.ExportSql exports (docs/saga-scenarios.md).
        """);
    return 1;
}
