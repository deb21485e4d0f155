using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>Calls the API the way a client would, with JSON bodies and an optional Idempotency-Key.</summary>
public sealed class ApiClient(HttpClient http) : IDisposable
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public HttpClient Http => http;

    public static object Submission(long userId = 42, string currency = "EUR", decimal unitPrice = 12.50m, int quantity = 2) =>
        new { userId, currency, lines = new[] { new { sku = "SKU-1", quantity, unitPrice }, new { sku = "SKU-2", quantity = 1, unitPrice = 5.25m } } };

    /// <summary>Posts a JSON body; <paramref name="ifMatch"/> is sent unvalidated, so tests can send malformed values.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object? body, string? idempotencyKey = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : JsonContent.Create(body, options: Json),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostRawAsync(string path, string body)
    {
        var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return http.PostAsync(path, content);
    }

    /// <summary>Submits an order of total 2 × 12.50 + 5.25 = 30.25 and returns it.</summary>
    public async Task<OrderResponse> SubmitOrderAsync(long userId = 42)
    {
        using var response = await PostAsync("/orders", Submission(userId));
        return await ReadOrderAsync(response, HttpStatusCode.Created);
    }

    public async Task<OrderResponse> PayAsync(OrderResponse order)
    {
        using var response = await PostAsync($"/orders/{order.Id}/payment", new { amount = order.Total, reference = "pay-1" });
        return await ReadOrderAsync(response, HttpStatusCode.OK);
    }

    public async Task<OrderResponse> ShipAsync(OrderResponse order)
    {
        using var response = await PostAsync($"/orders/{order.Id}/shipment", new { carrier = "DHL", trackingNumber = "TRK-1" });
        return await ReadOrderAsync(response, HttpStatusCode.OK);
    }

    /// <summary>A valid body for a status change of the order (delivery has none).</summary>
    public static object? ChangeBody(string change, OrderResponse order) => change switch
    {
        "payment" => new { amount = order.Total, reference = "psp" },
        "shipment" => new { carrier = "DHL", trackingNumber = "T" },
        "cancellation" => new { reason = "r" },
        _ => null,
    };

    public static async Task<OrderResponse> ReadOrderAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<OrderResponse>(body, Json)!;
    }

    /// <summary>Asserts a problem+json response with the status and returns its body.</summary>
    public static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public void Dispose() => http.Dispose();
}
