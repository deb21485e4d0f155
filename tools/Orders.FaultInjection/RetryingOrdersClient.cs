using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orders.FaultInjection;

/// <summary>
/// An upstream service that never gives up on a change: every request carries an <c>Idempotency-Key</c>, and after a
/// connection error, a timeout or a 5xx (503 included) it is sent again, same key and same body, until the API answers.
/// Any other answer than success is a failure of the run.
/// </summary>
internal sealed class RetryingOrdersClient(HttpClient http, LoadFigures figures, CancellationToken abandon)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    public async Task<Guid> SubmitAsync(long userId)
    {
        using var body = await SendAsync("/orders", new
        {
            userId,
            currency = "EUR",
            lines = new[] { new { sku = "SKU-" + (userId % 7), quantity = 2, unitPrice = 12.50m } },
        });
        return body.RootElement.GetProperty("id").GetGuid();
    }

    public async Task PayAsync(Guid id) =>
        (await SendAsync($"/orders/{id}/payment", new { amount = 25.00m, reference = $"pay-{id:N}" })).Dispose();

    public async Task ShipAsync(Guid id) =>
        (await SendAsync($"/orders/{id}/shipment", new { carrier = "DHL", trackingNumber = "TRK-" + id.ToString("N")[..10] })).Dispose();

    public async Task DeliverAsync(Guid id) => (await SendAsync($"/orders/{id}/delivery", new { })).Dispose();

    public async Task CancelAsync(Guid id) => (await SendAsync($"/orders/{id}/cancellation", new { reason = "customer" })).Dispose();

    private async Task<JsonDocument> SendAsync(string path, object body)
    {
        var key = Guid.NewGuid().ToString("N");
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            abandon.ThrowIfCancellationRequested();
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            string retryCause;
            string error;
            try
            {
                using var response = await http.SendAsync(request, abandon);
                if (response.IsSuccessStatusCode)
                {
                    figures.RecordAcknowledged(attempt > 1);
                    return JsonDocument.Parse(await response.Content.ReadAsStringAsync(abandon));
                }

                if ((int)response.StatusCode < 500)
                {
                    throw new UnexpectedAnswerException(
                        $"POST {path} answered {(int)response.StatusCode} on attempt {attempt}: {await response.Content.ReadAsStringAsync(abandon)}");
                }

                retryCause = response.StatusCode == HttpStatusCode.ServiceUnavailable ? "503" : "5xx";
                error = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(abandon)}";
            }
            catch (HttpRequestException e)
            {
                retryCause = "connection";
                error = e.Message;
            }
            catch (TaskCanceledException e) when (!abandon.IsCancellationRequested)
            {
                retryCause = "timeout";
                error = e.Message;
            }

            figures.RecordRetry(retryCause, $"POST {path}: {error}");
            await Task.Delay(delay, abandon);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }
}
