using System.Text.Json;

namespace Orders.FaultInjection;

/// <summary>The figures of one run, printed and written as JSON.</summary>
internal sealed record FaultInjectionReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public required string Mode { get; init; }

    public required int Seed { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double LoadSeconds { get; init; }

    public required double SettleSeconds { get; init; }

    public required double TotalSeconds { get; init; }

    public required int Orders { get; init; }

    public required IReadOnlyDictionary<string, int> OrdersByScenario { get; init; }

    public required int OutboxRows { get; init; }

    public required int AcknowledgedRequests { get; init; }

    public required int AcknowledgedAfterRetry { get; init; }

    public required IReadOnlyDictionary<string, int> RetriesByCause { get; init; }

    public required IReadOnlyDictionary<string, string> LastRetryErrors { get; init; }

    public required IReadOnlyDictionary<string, int> FaultsInjected { get; init; }

    public required IReadOnlyDictionary<string, int> UnplannedExits { get; init; }

    public required int TopicRecords { get; init; }

    public required int TopicDuplicates { get; init; }

    public required IReadOnlyDictionary<string, string> FailedChecks { get; init; }

    public bool Passed => FailedChecks.Count == 0;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"Fault injection ({Mode}, seed {Seed}): {(Passed ? "PASSED" : "FAILED")}");
        output.WriteLine($"  time            load {LoadSeconds:F0} s, settle {SettleSeconds:F0} s, total {TotalSeconds:F0} s");
        output.WriteLine($"  orders          {Orders} ({string.Join(", ", OrdersByScenario.Select(s => $"{s.Key} {s.Value}"))})");
        output.WriteLine($"  outbox rows     {OutboxRows}; on the topic {TopicRecords} records, {TopicDuplicates} duplicates");
        output.WriteLine($"  requests        {AcknowledgedRequests} acknowledged, {AcknowledgedAfterRetry} of them after a retry");
        output.WriteLine($"  retries         {string.Join(", ", RetriesByCause.Select(r => $"{r.Key} {r.Value}"))}");
        foreach (var (cause, error) in LastRetryErrors)
        {
            output.WriteLine($"    last {cause,-10} {error[..Math.Min(error.Length, 160)]}");
        }

        output.WriteLine($"  faults          {string.Join(", ", FaultsInjected.Select(f => $"{f.Key} {f.Value}"))}");
        output.WriteLine($"  unplanned exits {(UnplannedExits.Count == 0 ? "none" : string.Join(", ", UnplannedExits.Select(e => $"{e.Key} {e.Value}")))}");
        foreach (var (check, detail) in FailedChecks)
        {
            output.WriteLine($"  FAILED: {check}: {detail}");
        }
    }
}
