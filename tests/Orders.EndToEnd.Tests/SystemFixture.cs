using System.Collections.Concurrent;
using Orders.SystemHost;
using Xunit;

namespace Orders.EndToEnd.Tests;

/// <summary>
/// The whole system as it runs in production, one process per deployable, on a throw-away PostgreSQL cluster and
/// the Kafka stand-in. Payment timeouts are seconds so the timeout path is observable.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(4);

    private readonly ConcurrentQueue<string> output = new();
    private readonly OtlpReceiver telemetry = OtlpReceiver.Start();
    private OrdersSystem? system;

    public OrdersSystem System => system ?? throw new InvalidOperationException("The system has not started.");

    /// <summary>The spans every deployable exported over OTLP so far.</summary>
    public IReadOnlyCollection<ReceivedSpan> Spans => telemetry.Spans;

    /// <summary>The deployables' recent output, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', output.TakeLast(200));

    public async Task InitializeAsync() =>
        system = await OrdersSystem.StartAsync(new OrdersSystemOptions
        {
            RepositoryRoot = RepositoryRoot.Find(),
#if DEBUG
            Configuration = "Debug",
#else
            Configuration = "Release",
#endif
            PaymentTimeout = PaymentTimeout,
            ExtraSettings = new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["Kafka__SessionTimeout"] = "00:00:06",
                ["Telemetry__OtlpEndpoint"] = telemetry.Address.ToString(),
                ["Telemetry__OtlpProtocol"] = "HttpProtobuf",
                // Spans leave within a fraction of a second instead of the default 5 s.
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            },
            OnOutput = (name, line) =>
            {
                output.Enqueue($"[{name}] {line}");
                while (output.Count > 2000)
                {
                    output.TryDequeue(out _);
                }
            },
        });

    public async Task DisposeAsync()
    {
        if (system is not null)
        {
            await system.DisposeAsync();
        }

        telemetry.Dispose();
    }
}
