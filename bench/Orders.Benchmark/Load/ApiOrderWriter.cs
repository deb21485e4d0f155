using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Orders.SystemHost;

namespace Orders.Benchmark.Load;

/// <summary>
/// Drives the Orders API over real HTTP/1.1 with a pool of keep-alive connections (SocketsHttpHandler), as an upstream
/// service would. Bodies are written as literal JSON so the client spends as little CPU as possible next to the server.
/// </summary>
internal sealed class ApiOrderWriter : IOrderWriter, IDisposable
{
    /// <summary>The order every client submits: two lines, total 28.99, like the local demo's.</summary>
    public const decimal OrderTotal = 28.99m;

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    /// <summary>Enough clients that their limits (16 running, 32 queued each by default) exceed the 256 connections used.</summary>
    private const int Clients = 8;

    private readonly HttpClient http;
    private readonly AuthenticationHeaderValue[] tokens;
    private readonly ConcurrentDictionary<string, long> failures = new();

    public ApiOrderWriter(OrdersSystem system, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        http = new HttpClient(handler) { BaseAddress = system.ApiBaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        // Several upstream clients, as in production, so the API's limits per client do not bound the load: each order
        // is sent by one of them, with every scope (storefront, payment service and warehouse in one).
        tokens = Enumerable.Range(1, Clients)
            .Select(n => new AuthenticationHeaderValue("Bearer", system.Tokens.Mint($"benchmark-{n}", DevelopmentTokens.AllScopes)))
            .ToArray();
    }

    /// <summary>Failed requests by reason: the status code, or the exception type when no answer came.</summary>
    public IReadOnlyDictionary<string, long> Failures => failures.ToDictionary(f => f.Key, f => f.Value);

    public async Task<StepResult> WriteAsync(OrderStep step, OrderState order, CancellationToken cancellationToken)
    {
        var (path, body, expected) = Request(step, order);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = Json;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
            request.Headers.Authorization = tokens[order.UserId % Clients];
            using var response = await http.SendAsync(request, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var receivedAt = DateTimeOffset.UtcNow;
            if (response.StatusCode != expected)
            {
                Fail($"{step} {(int)response.StatusCode}");
                return new StepResult(false, receivedAt);
            }

            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            order.Id = root.GetProperty("id").GetGuid();
            order.Total = root.GetProperty("total").GetDecimal();
            order.Sequence = root.GetProperty("sequence").GetInt32();
            return new StepResult(true, receivedAt);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Fail($"{step} {e.GetType().Name}");
            return new StepResult(false, DateTimeOffset.UtcNow);
        }
    }

    public void Dispose() => http.Dispose();

    private void Fail(string reason) => failures.AddOrUpdate(reason, 1, (_, n) => n + 1);

    private static (string Path, string Body, HttpStatusCode Expected) Request(OrderStep step, OrderState order) => step switch
    {
        OrderStep.Submit => ("/orders", string.Create(
            CultureInfo.InvariantCulture,
            $$"""{"userId":{{order.UserId}},"currency":"EUR","lines":[{"sku":"BOOK-1","quantity":2,"unitPrice":12.50},{"sku":"PEN-7","quantity":1,"unitPrice":3.99}]}"""),
            HttpStatusCode.Created),
        OrderStep.Pay => ($"/orders/{order.Id}/payment", string.Create(
            CultureInfo.InvariantCulture, $$"""{"amount":{{order.Total}},"reference":"{{Reference(order)}}"}"""), HttpStatusCode.OK),
        OrderStep.Ship => ($"/orders/{order.Id}/shipment", $$"""{"carrier":"DHL","trackingNumber":"{{Tracking(order)}}"}""", HttpStatusCode.OK),
        OrderStep.Deliver => ($"/orders/{order.Id}/delivery", "{}", HttpStatusCode.OK),
        OrderStep.Cancel => ($"/orders/{order.Id}/cancellation", $$"""{"reason":"{{CancellationReason}}"}""", HttpStatusCode.OK),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };

    public const string CancellationReason = "customer changed their mind";

    public static string Reference(OrderState order) => $"bench-{order.Id:N}";

    public static string Tracking(OrderState order) => $"TRK{order.Id:N}"[..14];
}
