using Orders.Relay.Outbox;
using Orders.Relay.Publishing;
using Orders.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
// Traces, metrics and logs (OTLP when configured), and the health checks served below.
builder.AddServiceDefaults(RelayMetrics.MeterName);
// Where the rows come from, and where the relay keeps its position.
builder.AddOutboxDatabase();
// Where they go: records placed and ordered as Kafka Connect's producer would.
builder.AddKafkaProducer();
builder.AddOutboxRelay();

var app = builder.Build();
// The relay's only HTTP: /health/live, /health/ready and /metrics, for probes and scrapes.
app.MapServiceDefaults();
app.Run();

/// <summary>
/// Internal, which stops ASP.NET Core from generating a public Program: test projects that reference this and the API
/// host the API with WebApplicationFactory&lt;Program&gt;, and two public Program classes would clash there.
/// </summary>
internal sealed partial class Program;
