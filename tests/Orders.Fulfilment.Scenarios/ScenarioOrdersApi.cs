using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// The Orders API's cancellation endpoint as the saga meets it, answering from the orders' own state
/// (<see cref="ScenarioOrder"/>): a Submitted order is cancelled (the API writes its <c>OrderCancelled</c>, which the
/// scenario then hands to the saga), any other status is refused with 409 and <c>currentStatus</c>, and so is a
/// request whose <c>If-Match</c> names a sequence the order has moved past. A repeated Idempotency-Key replays the
/// first answer. <see cref="FailNext"/> makes it unavailable for a while.
/// </summary>
public sealed class ScenarioOrdersApi
{
    private readonly ConcurrentDictionary<Guid, ScenarioOrder> orders = new();
    private readonly ConcurrentDictionary<string, (HttpStatusCode Status, string Body)> answered = new();
    private readonly ConcurrentQueue<ApiCall> calls = new();
    private readonly ConcurrentDictionary<Guid, int> failuresLeft = new();

    /// <summary>Every call received, in order.</summary>
    public IReadOnlyCollection<ApiCall> Calls => calls;

    /// <summary>The calls for one order, retries of the same request (same key, precondition and answer) once.</summary>
    public IReadOnlyList<ApiCall> CallsFor(Guid orderId) => [.. calls.Where(c => c.OrderId == orderId).Distinct()];

    /// <summary>The next <paramref name="count"/> calls about the order are answered 503, as when the API is down.</summary>
    public void FailNext(ScenarioOrder order, int count)
    {
        ArgumentNullException.ThrowIfNull(order);
        failuresLeft[order.Id] = count;
    }

    internal void Add(ScenarioOrder order) => orders[order.Id] = order;

    internal HttpMessageHandler CreateHandler() => new Handler(this);

    private (HttpStatusCode Status, string Body) Answer(Guid orderId, string body, string? key, string? ifMatch)
    {
        if (failuresLeft.AddOrUpdate(orderId, -1, (_, left) => left - 1) >= 0)
        {
            return (HttpStatusCode.ServiceUnavailable, Problem("Service Unavailable", 503));
        }

        if (key is not null && answered.TryGetValue(key, out var replay))
        {
            return replay;
        }

        if (!orders.TryGetValue(orderId, out var order))
        {
            return (HttpStatusCode.NotFound, Problem("Not Found", 404));
        }

        (HttpStatusCode, string) answer;
        lock (order)
        {
            if ((ifMatch is not null && ParseSequence(ifMatch) != order.Sequence) || order.Status != "Submitted")
            {
                answer = (HttpStatusCode.Conflict, Problem("Conflict", 409, order.Status, order.Sequence));
            }
            else
            {
                var reason = JsonDocument.Parse(body).RootElement.GetProperty("reason").GetString()!;
                order.Cancelled(reason);
                answer = (HttpStatusCode.OK, $$"""{"id":"{{orderId}}","status":"Cancelled","sequence":{{order.Sequence}}}""");
            }
        }

        if (key is not null)
        {
            answered.TryAdd(key, answer);
        }

        return answer;
    }

    private static int? ParseSequence(string ifMatch)
    {
        var digits = new string([.. ifMatch.Where(char.IsDigit)]);
        return int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var sequence) ? sequence : null;
    }

    private static string Problem(string title, int status, string? currentStatus = null, int currentSequence = 0) => currentStatus is null
        ? $$"""{"title":"{{title}}","status":{{status}}}"""
        : $$"""{"title":"{{title}}","status":{{status}},"currentStatus":"{{currentStatus}}","currentSequence":{{currentSequence}}}""";

    private sealed class Handler(ScenarioOrdersApi api) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var orderId = Guid.Parse(segments[1]);
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var key = request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null;
            var ifMatch = request.Headers.TryGetValues("If-Match", out var tags) ? string.Join(",", tags) : null;
            var (status, answer) = api.Answer(orderId, body, key, ifMatch);
            api.calls.Enqueue(new ApiCall(orderId, request.Method.Method, path, body, key, ifMatch, (int)status));
            return new HttpResponseMessage(status)
            {
                Content = new StringContent(
                    answer, Encoding.UTF8, status == HttpStatusCode.OK ? "application/json" : "application/problem+json"),
            };
        }
    }
}
