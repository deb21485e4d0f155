using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Orders.SystemHost;
using Orders.Testing;
using Xunit;

namespace Orders.EndToEnd.Tests;

/// <summary>What an operator sees of the running system: one trace per order change, health and metrics.</summary>
[Collection(WholeSystem.Name)]
public sealed class TelemetryTests(SystemFixture fixture) : IAsyncDisposable
{
    private static readonly TimeSpan FlowTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient http = new();
    private readonly Database database = new(fixture.System.ConnectionString);

    [Fact]
    public async Task One_trace_spans_the_API_request_the_relay_publish_the_saga_applying_the_event_and_its_timeout()
    {
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.System.ApiBaseAddress, "/orders"))
        {
            Content = JsonContent.Create(new
            {
                userId = 3001,
                currency = "EUR",
                lines = new[] { new { sku = "SKU-1", quantity = 1, unitPrice = 5.00m } },
            }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Bearer", fixture.System.Tokens.Mint("telemetry-tests", DevelopmentTokens.AllScopes));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var spans = await Eventually.HoldsAsync(
            () => Task.FromResult(fixture.Spans.Where(s => s.TraceId == traceId).ToList()),
            found => found.Any(s => s.Service == "Orders.Api")
                && found.Any(s => s.Service == "Orders.Relay" && s.Name.StartsWith("publish ", StringComparison.Ordinal))
                && found.Any(s => s.Service == "Orders.Processor" && s.Name == "apply OrderSubmitted")
                // The order is never paid: its payment timeout, scheduled by that saga step, is delivered in the trace.
                && found.Any(s => s.Service == "Orders.Processor" && s.Name == "deliver PaymentTimedOut"),
            "spans of the API, the relay and the processor in the request's trace",
            FlowTimeout,
            found => string.Join("; ", found) + "\n" + fixture.RecentOutput);

        // The saga's transaction (a batch of this one record) ran inside the apply span: its statements are in the trace.
        Assert.Contains(spans, s => s.Service == "Orders.Processor" && s.Name == "postgresql");
    }

    [Fact]
    public async Task Every_deployable_is_ready_and_serves_its_lag_meters_at_metrics()
    {
        using var client = new OrdersClient(fixture.System);
        var (id, _) = await client.SubmitAsync(userId: 3002);
        await Eventually.HoldsAsync(
            () => database.SagasAsync([id]), rows => rows.ContainsKey(id), "the order's saga exists", FlowTimeout, _ => fixture.RecentOutput);

        foreach (var address in new[] { fixture.System.ApiBaseAddress, fixture.System.ProcessorBaseAddress, fixture.System.RelayBaseAddress })
        {
            using var ready = await http.GetAsync(new Uri(address, "/health/ready"));
            Assert.True(ready.IsSuccessStatusCode, $"{address}: {(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync()}");
        }

        await AssertMetricsAsync(
            fixture.System.RelayBaseAddress, "orders_outbox_backlog", "orders_outbox_oldest_unpublished_age_seconds", "orders_relay_rows_published");
        await AssertMetricsAsync(
            fixture.System.ProcessorBaseAddress,
            "orders_kafka_consumer_lag{",
            "orders_kafka_records_end_to_end_age_seconds_bucket",
            "orders_fulfilment_timeouts_due",
            "orders_fulfilment_timeouts_oldest_due_age_seconds",
            "orders_fulfilment_parked_orders");
        await AssertMetricsAsync(fixture.System.ApiBaseAddress, "orders_submitted", "http_server_request_duration_seconds");
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await database.DisposeAsync();
    }

    /// <summary>Scrapes until every instrument is there: gauges are sampled every few seconds, counters on first use.</summary>
    private async Task AssertMetricsAsync(Uri address, params string[] names) =>
        await Eventually.HoldsAsync(
            () => http.GetStringAsync(new Uri(address, "/metrics")),
            text => names.All(name => text.Contains(name, StringComparison.Ordinal)),
            $"{address}metrics lists {string.Join(", ", names)}",
            FlowTimeout,
            text => $"{address}/metrics lacks {string.Join(", ", names.Where(n => !text.Contains(n, StringComparison.Ordinal)))}");
}
