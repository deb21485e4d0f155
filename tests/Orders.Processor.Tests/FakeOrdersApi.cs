using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Orders.Processor.Tests;

/// <summary>
/// Stands in for the Orders API's cancellation endpoint: records every call and answers what the test says
/// (200 by default).
/// </summary>
internal sealed class FakeOrdersApi
{
    private readonly ConcurrentQueue<CancellationCall> calls = new();

    /// <summary>Chooses the answer to the n-th call (1-based); null means 200.</summary>
    public Func<int, Guid, HttpResponseMessage?> Respond { get; set; } = (_, _) => null;

    /// <summary>Awaited before each answer, with the order id: lets a test hold calls in flight.</summary>
    public Func<Guid, Task> BeforeAnswering { get; set; } = _ => Task.CompletedTask;

    public IReadOnlyCollection<CancellationCall> Calls => calls;

    public int CallsFor(Guid orderId) => calls.Count(c => c.OrderId == orderId);

    public HttpMessageHandler CreateHandler() => new Handler(this);

    public static HttpResponseMessage Conflict(string currentStatus) => new(HttpStatusCode.Conflict)
    {
        Content = new StringContent(
            $$"""{"title":"Conflict","status":409,"currentStatus":"{{currentStatus}}"}""", Encoding.UTF8, "application/problem+json"),
    };

    public static HttpResponseMessage Unavailable() => new(HttpStatusCode.ServiceUnavailable);

    private sealed class Handler(FakeOrdersApi api) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var segments = request.RequestUri!.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var orderId = Guid.Parse(segments[1]);
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var key = request.Headers.TryGetValues("Idempotency-Key", out var values) ? values.Single() : null;
            api.calls.Enqueue(new CancellationCall(orderId, request.Method.Method, request.RequestUri.AbsolutePath, body, key));
            await api.BeforeAnswering(orderId);
            return api.Respond(api.calls.Count, orderId) ?? new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"id":"{{orderId}}","status":"Cancelled"}""", Encoding.UTF8, "application/json"),
            };
        }
    }
}

internal sealed record CancellationCall(Guid OrderId, string Method, string Path, string Body, string? IdempotencyKey);
