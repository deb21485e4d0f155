using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Playwright;
using Npgsql;
using Orders.Contracts;
using Orders.SystemHost;
using Orders.Testing;
using Xunit;

namespace Orders.Operations.Tests;

/// <summary>
/// The whole system with the operations page, one process per deployable, plus what the tests drive it with: the API
/// over HTTP, the topics as a producer that bypasses the outbox, SQL, and headless Chromium.
/// </summary>
public sealed class OperationsSystem : IAsyncLifetime
{
    public const string Topic = "microshop.order-outbox";
    public const string DeadLetterTopic = "microshop.order-outbox.dlq";

    private OrdersSystem? system;
    private NpgsqlDataSource? database;
    private IProducer<string, string>? producer;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public OrdersSystem System => system ?? throw new InvalidOperationException("The system has not started.");

    public Uri OperationsBaseAddress => System.OperationsBaseAddress!;

    public async Task InitializeAsync()
    {
        system = await OrdersSystem.StartAsync(new OrdersSystemOptions
        {
            RepositoryRoot = RepositoryRoot.Find(),
#if DEBUG
            Configuration = "Debug",
#else
            Configuration = "Release",
#endif
            StartOperations = true,
            ExtraSettings = new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Warning" },
        });
        database = NpgsqlDataSource.Create(system.ConnectionString);
        // Murmur2 as the connector and the relay: a record of an order lands on that order's partition.
        producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = system.Kafka.BootstrapServers,
            Partitioner = Partitioner.Murmur2Random,
        }).Build();
        using var http = new HttpClient { BaseAddress = OperationsBaseAddress };
        await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    return (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            "the operations page answers ready");
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        producer?.Dispose();
        if (database is not null)
        {
            await database.DisposeAsync();
        }

        if (system is not null)
        {
            await system.DisposeAsync();
        }
    }

    /// <summary>A fresh page in headless Debian Chromium (Playwright's own browser download does not work here).</summary>
    public async Task<IPage> NewPageAsync()
    {
        if (browser is null)
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath(),
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                ],
            });
        }

        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = OperationsBaseAddress.ToString() });
        var page = await context.NewPageAsync();
        // Every repair asks for confirmation in a dialog; the operator in these tests says yes.
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        return page;
    }

    public async Task<(Guid Id, decimal Total)> SubmitAsync(long userId)
    {
        using var api = Api();
        using var response = await api.PostAsJsonAsync("/orders", new
        {
            userId,
            currency = "EUR",
            lines = new[] { new { sku = "SKU-1", quantity = 2, unitPrice = 10.00m } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetGuid(), body.RootElement.GetProperty("total").GetDecimal());
    }

    public async Task PayAsync(Guid id, decimal amount)
    {
        using var api = Api();
        using var response = await api.PostAsJsonAsync($"/orders/{id}/payment", new { amount, reference = $"pay-{id:N}" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private HttpClient Api()
    {
        var http = new HttpClient { BaseAddress = System.ApiBaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", System.Tokens.Mint("operations-tests", DevelopmentTokens.AllScopes));
        return http;
    }

    /// <summary>Debian's binary, as <c>which chromium</c> finds it.</summary>
    private static string ChromiumPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':')
            .Select(folder => Path.Combine(folder, "chromium"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium is not installed: apt-get install chromium.");

    /// <summary>
    /// Waits until the order's saga is in <paramref name="state"/> with <paramref name="lastSequence"/> applied. Generous,
    /// because a fresh system's processor first waits for the topic to exist and then joins its group.
    /// </summary>
    public Task<(string State, int LastSequence)> SagaReachesAsync(Guid orderId, string state, int lastSequence) =>
        Eventually.HoldsAsync(
            () => SagaAsync(orderId),
            s => s == (state, lastSequence),
            $"order {orderId} is {state} with sequence {lastSequence} applied",
            TimeSpan.FromSeconds(90));

    public async Task<(string State, int LastSequence)> SagaAsync(Guid orderId)
    {
        var rows = await ListAsync(
            "SELECT current_state, last_sequence FROM fulfilment.order_state WHERE correlation_id = @id",
            r => (r.GetString(0), r.GetInt32(1)),
            ("id", orderId));
        return rows.SingleOrDefault(("none", 0));
    }

    public async Task<List<T>> ListAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        await using var command = database!.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<T>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(read(reader));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The processor has not migrated its schema yet.
        }

        return rows;
    }

    /// <summary>
    /// Puts an order event on <paramref name="topic"/> as a bare outbox row that no outbox row stands behind, as a
    /// record from elsewhere would arrive; <paramref name="headers"/> are added as given.
    /// </summary>
    public async Task<TopicPartitionOffset> ProduceAsync(
        string topic, long outboxId, IOrderEvent orderEvent, IReadOnlyDictionary<string, string>? headers = null)
    {
        var row = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = outboxId,
            ["user_id"] = orderEvent.UserId,
            ["aggregate_id"] = orderEvent.OrderId.ToString("D"),
            ["type"] = OrderEventTypes.NameOf(orderEvent),
            ["payload"] = JsonSerializer.Serialize(orderEvent, orderEvent.GetType(), OrderEventTypes.JsonOptions),
            ["created_at"] = orderEvent.OccurredAt.ToUnixTimeMilliseconds(),
        });
        var message = new Message<string, string> { Key = orderEvent.UserId.ToString(CultureInfo.InvariantCulture), Value = row, Headers = [] };
        foreach (var (key, value) in headers ?? new Dictionary<string, string>())
        {
            message.Headers.Add(key, Encoding.UTF8.GetBytes(value));
        }

        return (await producer!.ProduceAsync(topic, message)).TopicPartitionOffset;
    }
}
