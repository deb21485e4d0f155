using Orders.SystemHost;

namespace Orders.FaultInjection;

/// <summary>
/// The one place that decides whether the deployables are healthy: the API's readiness probe, and for the relay and
/// the processor (which have no probe yet) a running process.
/// </summary>
internal static class DeployableHealth
{
    public static async Task<IReadOnlyList<string>> ProblemsAsync(OrdersSystem system, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var deployable in new[] { system.Api, system.Relay, system.Processor })
        {
            if (!deployable.IsRunning)
            {
                problems.Add($"{deployable.Name} is not running");
            }
        }

        if (await ApiProblemAsync(system, cancellationToken) is { } problem)
        {
            problems.Add(problem);
        }

        return problems;
    }

    /// <summary>Why the API is not ready, or null when <c>/health/ready</c> answers success.</summary>
    public static async Task<string?> ApiProblemAsync(OrdersSystem system, CancellationToken cancellationToken)
    {
        using var http = ApiHttpClient.Create(system, "fault-injection-health");
        try
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode ? null : $"api /health/ready answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return $"api /health/ready did not answer: {e.Message}";
        }
    }
}
