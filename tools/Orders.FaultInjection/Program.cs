using Orders.FaultInjection;

// Runs the whole system under crashes, database restarts and broker faults, then proves nothing was lost, repeated
// or reordered. Exit code 0 only when every check passes.
try
{
    return await FaultInjectionRun.RunAsync(FaultInjectionOptions.Parse(args));
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
