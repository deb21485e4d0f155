using Orders.LocalRun;

// Runs the whole system on this machine: PostgreSQL (data kept in .local/), the Kafka stand-in, the API, the
// processor and the relay, each in its own process, until Ctrl+C. "token SCOPE..." prints an access token for it.
try
{
    return args is ["token", .. var scopes]
        ? TokenCommand.Run(scopes)
        : await LocalRun.RunAsync(LocalRunOptions.Parse(args));
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
