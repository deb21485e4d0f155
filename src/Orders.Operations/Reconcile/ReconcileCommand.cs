namespace Orders.Operations.Reconcile;

/// <summary>
/// <c>Orders.Operations reconcile</c>: prints every difference per order and exits 0 when there is none, 1 when
/// something is lost, invented or parked, 2 when the only differences are in flight (not yet published or applied,
/// duplicates the saga ignores), and 3 when it could not compare.
/// </summary>
internal static class ReconcileCommand
{
    public const string Name = "reconcile";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddOperations();
        using var host = builder.Build();
        IReadOnlyList<Finding> findings;
        try
        {
            findings = await host.Services.GetRequiredService<Reconciliation>().RunAsync(CancellationToken.None);
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or Confluent.Kafka.KafkaException or TimeoutException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"reconcile: could not compare: {exception.Message}");
            return 3;
        }

        foreach (var finding in findings)
        {
            Console.WriteLine($"{finding.OrderId}  {(finding.IsProblem ? "PROBLEM " : "in flight")}  {finding.Kind}: {finding.Detail}");
        }

        var problems = findings.Count(f => f.IsProblem);
        Console.WriteLine(findings.Count == 0
            ? "consistent: every outbox row is on the topic once and applied by its saga"
            : $"{problems} problem(s), {findings.Count - problems} in flight, {findings.Select(f => f.OrderId).Distinct().Count()} order(s)");
        return problems > 0 ? 1 : findings.Count > 0 ? 2 : 0;
    }
}
