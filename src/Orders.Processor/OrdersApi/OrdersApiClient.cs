using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Orders.Contracts;

namespace Orders.Processor.OrdersApi;

/// <summary>
/// Typed client of the Orders API. Requests carry an Idempotency-Key derived from the order and the reason, so retries
/// (by the resilience handler or a redelivered timeout) replay the first answer instead of acting twice. An answer is
/// also remembered for a while: a saga transaction that rolled back after its call (a group of deadlines whose commit
/// lost a race) asks again at once, and gets the answer the API would replay without another round trip.
/// </summary>
public sealed class OrdersApiClient(HttpClient http, IMemoryCache answers)
{
    private static readonly string[] StatusesPastPayment = ["Paid", "Shipped", "Delivered"];

    // Long enough for the retries of one delivery, short enough that a burst of deadlines leaves little behind.
    private static readonly TimeSpan AnswerLifetime = TimeSpan.FromMinutes(1);

    /// <summary>
    /// POST /orders/{id}/cancellation, conditional on the order still being at <paramref name="expectedSequence"/>
    /// (<c>If-Match</c>, checked by the API in the cancellation's own transaction), so a change the caller has not seen
    /// yet, such as a payment, is never overridden. Returns accepted on 2xx, refused on a 409 whose currentStatus shows
    /// the order has moved on (cancelled or paid); throws on anything else, so the caller retries later.
    /// </summary>
    public async Task<CancellationOutcome> RequestCancellationAsync(
        Guid orderId, int expectedSequence, string reason, CancellationToken cancellationToken)
    {
        // Both answers hold for good: an accepted cancellation is replayed under its key, and an order that was paid or
        // cancelled never becomes cancellable again.
        var key = new CancellationRequestKey(orderId, expectedSequence, reason);
        if (answers.TryGetValue(key, out CancellationOutcome? known))
        {
            return known!;
        }

        var outcome = await SendCancellationAsync(orderId, expectedSequence, reason, cancellationToken);
        answers.Set(key, outcome, AnswerLifetime);
        return outcome;
    }

    private async Task<CancellationOutcome> SendCancellationAsync(
        Guid orderId, int expectedSequence, string reason, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"orders/{orderId}/cancellation", UriKind.Relative))
        {
            Content = JsonContent.Create(new CancellationRequest(reason), options: OrderEventTypes.JsonOptions),
        };
        request.Headers.Add("Idempotency-Key", IdempotencyKey(orderId, reason));
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(
            string.Create(CultureInfo.InvariantCulture, $"\"{expectedSequence}\"")));

        using var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return new CancellationOutcome(true, null);
        }

        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var currentStatus = await ReadCurrentStatusAsync(response, cancellationToken);
            if (currentStatus == "Cancelled" || StatusesPastPayment.Contains(currentStatus))
            {
                return new CancellationOutcome(false, currentStatus);
            }
        }

        throw new HttpRequestException(
            $"The Orders API answered {(int)response.StatusCode} to the cancellation of order {orderId}.",
            inner: null,
            response.StatusCode);
    }

    /// <summary>A name-based key: the same order and reason always give the same key.</summary>
    internal static string IdempotencyKey(Guid orderId, string reason)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{orderId:D}/{reason}"));
        return new Guid(hash.AsSpan(0, 16)).ToString("D");
    }

    private static async Task<string?> ReadCurrentStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var problem = await JsonDocument.ParseAsync(
                await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return problem.RootElement.TryGetProperty("currentStatus", out var status) && status.ValueKind == JsonValueKind.String
                ? status.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record CancellationRequest(string Reason);

    private sealed record CancellationRequestKey(Guid OrderId, int ExpectedSequence, string Reason);
}
