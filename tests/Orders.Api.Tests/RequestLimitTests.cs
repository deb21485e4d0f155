using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>
/// The concurrency limit of the order endpoints. Each test holds the only permit with a payment whose UPDATE waits for a
/// row lock the test holds, so "at the limit" is a fact observed in PostgreSQL, not a matter of timing.
/// </summary>
[Collection(ApiCollectionDefinition.Name)]
public sealed class RequestLimitTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_request_over_the_limit_gets_a_503_problem_with_retry_after_and_writes_nothing()
    {
        await using var api = await StartApiAsync(maxConcurrentRequests: 1, queueLimit: 0, retryAfter: "00:00:02");
        using var client = api.CreateApiClient();
        var database = new CommittedRows(api.ConnectionString);
        var order = await client.SubmitOrderAsync();

        await using (var held = await HoldOnlyPermitAsync(client, database, order))
        {
            using var refused = await client.PostAsync("/orders", ApiClient.Submission(userId: 777));
            var problem = await ApiClient.ReadProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(2), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("retry", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

            using var ready = await client.Http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            var paid = await held.ReleaseAsync();
            Assert.Equal(OrderStatus.Paid, paid.Status);
        }

        Assert.Equal(0, await database.CountAsync("SELECT count(*) FROM orders WHERE user_id = 777"));
        Assert.Equal(0, await database.CountAsync("SELECT count(*) FROM outbox WHERE user_id = 777"));
        var accepted = await client.SubmitOrderAsync(userId: 777);
        Assert.Single(await database.OutboxAsync(accepted.Id));
    }

    [Fact]
    public async Task A_request_that_finds_the_limit_reached_waits_in_the_queue_and_completes_once_a_permit_frees()
    {
        await using var api = await StartApiAsync(maxConcurrentRequests: 1, queueLimit: 1, retryAfter: "00:00:01");
        using var client = api.CreateApiClient();
        var database = new CommittedRows(api.ConnectionString);
        var order = await client.SubmitOrderAsync();

        await using var held = await HoldOnlyPermitAsync(client, database, order);
        var first = client.PostAsync("/orders", ApiClient.Submission(userId: 501));
        var second = client.PostAsync("/orders", ApiClient.Submission(userId: 502));

        // The queue has room for one: whichever arrived second is refused while the permit is still held.
        var answered = await Task.WhenAny(first, second);
        using var refused = await answered;
        await ApiClient.ReadProblemAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        var queued = answered == first ? second : first;
        Assert.False(queued.IsCompleted);

        await held.ReleaseAsync();
        using var queuedResponse = await queued;
        var submitted = await ApiClient.ReadOrderAsync(queuedResponse, HttpStatusCode.Created);
        Assert.Single(await database.OutboxAsync(submitted.Id));
        Assert.Equal(1, await database.CountAsync("SELECT count(*) FROM orders WHERE user_id IN (501, 502)"));
        Assert.Equal(1, await database.CountAsync("SELECT count(*) FROM outbox WHERE user_id IN (501, 502)"));
    }

    [Fact]
    public async Task With_the_default_limits_a_burst_that_fills_every_slot_and_the_queue_is_served_in_full()
    {
        // 32 running + 64 queued by default: this burst from four clients (24 each, within a client's 16 + 32) fits
        // exactly, so not one request may be refused.
        await using var api = await StartApiAsync(new Dictionary<string, string>());
        var clients = Enumerable.Range(0, 4).Select(n => api.CreateApiClient(clientId: $"burst-{n}")).ToArray();
        var database = new CommittedRows(api.ConnectionString);

        var responses = await Task.WhenAll(Enumerable.Range(1, 96)
            .Select(userId => clients[userId % 4].PostAsync("/orders", ApiClient.Submission(userId: 1000 + userId))));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Created, response.StatusCode));
        Assert.Equal(96, await database.CountAsync("SELECT count(*) FROM orders WHERE user_id > 1000"));
        Assert.Equal(96, await database.CountAsync("SELECT count(*) FROM outbox WHERE user_id > 1000"));
        foreach (var disposable in responses.Cast<IDisposable>().Concat(clients))
        {
            disposable.Dispose();
        }
    }

    [Fact]
    public async Task A_client_at_its_own_limit_gets_a_429_problem_while_another_client_is_served()
    {
        await using var api = await StartApiAsync(new Dictionary<string, string>
        {
            ["RequestLimits:MaxConcurrentRequestsPerClient"] = "1",
            ["RequestLimits:QueueLimitPerClient"] = "0",
            ["RequestLimits:RetryAfter"] = "00:00:03",
        });
        using var greedy = api.CreateApiClient(clientId: "greedy");
        using var other = api.CreateApiClient(clientId: "other");
        var database = new CommittedRows(api.ConnectionString);
        var order = await greedy.SubmitOrderAsync();

        await using var held = await HoldOnlyPermitAsync(greedy, database, order);
        using var refused = await greedy.PostAsync("/orders", ApiClient.Submission(userId: 778));
        var problem = await ApiClient.ReadProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("client", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var served = await other.SubmitOrderAsync(userId: 779);

        await held.ReleaseAsync();
        Assert.Equal(0, await database.CountAsync("SELECT count(*) FROM orders WHERE user_id = 778"));
        Assert.Single(await database.OutboxAsync(served.Id));
    }

    [Fact]
    public async Task Many_connections_trickling_a_body_take_no_slot_so_a_normal_request_is_served()
    {
        // Two slots and no queue: were bodies read after taking a slot, two slow senders would refuse everyone. Raw
        // sockets on Kestrel, because the in-memory test server hands a request over only once its body is complete.
        await using var api = new OrdersApiFactory(
            await fixture.Postgres.CreateDatabaseAsync(),
            settings: new Dictionary<string, string>
            {
                ["RequestLimits:MaxConcurrentRequests"] = "2",
                ["RequestLimits:QueueLimit"] = "0",
            });
        api.UseKestrel(0);
        using var normal = api.CreateApiClient(clientId: "normal");
        var server = normal.Http.BaseAddress!;
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ApiClient.Submission(userId: 781), ApiClient.Json);
        var slow = new List<System.Net.Sockets.TcpClient>();
        try
        {
            for (var n = 0; n < 20; n++)
            {
                var connection = new System.Net.Sockets.TcpClient();
                slow.Add(connection);
                await connection.ConnectAsync(server.Host, server.Port);
                var head = $"POST /orders HTTP/1.1\r\nHost: {server.Authority}\r\n" +
                    $"Authorization: Bearer {api.Tokens.Mint($"slow-{n}", ["orders.submit"])}\r\n" +
                    $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
                await connection.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
                await connection.GetStream().WriteAsync(body.AsMemory(0, 10));
            }

            // With the fix the slow requests wait before the limits whatever the timing; without it, two of them
            // would hold both slots by the time these two arrive.
            var served = await normal.SubmitOrderAsync(userId: 780);
            var again = await normal.SubmitOrderAsync(userId: 780);

            Assert.Single(await new CommittedRows(api.ConnectionString).OutboxAsync(served.Id));
            Assert.Single(await new CommittedRows(api.ConnectionString).OutboxAsync(again.Id));
        }
        finally
        {
            slow.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task A_limit_below_one_stops_the_api_at_start_up()
    {
        await using var api = new OrdersApiFactory(
            await fixture.Postgres.CreateDatabaseAsync(),
            settings: new Dictionary<string, string> { ["RequestLimits:MaxConcurrentRequests"] = "0" });

        var failure = Assert.Throws<OptionsValidationException>(() => api.CreateClient());
        Assert.Contains("MaxConcurrentRequests", failure.Message, StringComparison.Ordinal);
    }

    private Task<OrdersApiFactory> StartApiAsync(int maxConcurrentRequests, int queueLimit, string retryAfter) =>
        StartApiAsync(new Dictionary<string, string>
        {
            ["RequestLimits:MaxConcurrentRequests"] = maxConcurrentRequests.ToString(CultureInfo.InvariantCulture),
            ["RequestLimits:QueueLimit"] = queueLimit.ToString(CultureInfo.InvariantCulture),
            ["RequestLimits:RetryAfter"] = retryAfter,
        });

    private async Task<OrdersApiFactory> StartApiAsync(IReadOnlyDictionary<string, string> settings)
    {
        var api = new OrdersApiFactory(await fixture.Postgres.CreateDatabaseAsync(), settings: settings);
        api.CreateClient().Dispose();
        return api;
    }

    /// <summary>
    /// Locks the order's row and sends its payment, which takes the only permit and then waits in its UPDATE for the
    /// lock; returns once PostgreSQL shows that wait.
    /// </summary>
    private static async Task<HeldPermit> HoldOnlyPermitAsync(ApiClient client, CommittedRows database, OrderResponse order)
    {
        var connection = await database.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM orders WHERE id = @id FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.AddWithValue("id", order.Id);
            await lockRow.ExecuteNonQueryAsync();
        }

        var payment = client.PostAsync($"/orders/{order.Id}/payment", new { amount = order.Total, reference = "held" });
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await database.CountAsync(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The payment did not reach the row lock within 10 s.");
            await Task.Delay(10);
        }

        return new HeldPermit(connection, transaction, payment);
    }

    private sealed class HeldPermit(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Task<HttpResponseMessage> payment) : IAsyncDisposable
    {
        /// <summary>Lets the payment finish and returns the order it answers with.</summary>
        public async Task<OrderResponse> ReleaseAsync()
        {
            await transaction.RollbackAsync();
            using var response = await payment;
            return await ApiClient.ReadOrderAsync(response, HttpStatusCode.OK);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
