using Orders.LocalRun;

// Runs the whole system on this machine: PostgreSQL (data kept in .local/), the Kafka stand-in, the API, the
// processor and the relay, each in its own process, until Ctrl+C.
try
{
    return await LocalRun.RunAsync(LocalRunOptions.Parse(args));
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
