using Orders.Processor;
using Orders.Processor.Backlog;
using Orders.Processor.Fulfilment;
using Orders.Processor.Kafka;
using Orders.ServiceDefaults;
using Orders.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);

// Traces, metrics and logs (OTLP when configured), and the health checks served below.
builder.AddServiceDefaults(OrdersProcessorMetrics.MeterName);

// The fulfilment saga behind IMediator: its database (and start-up migration), Quartz timeouts and Orders API client.
builder.AddFulfilment();

// The outbox topic into that mediator; an offset is committed only after the saga committed its record.
builder.AddKafkaOrderEvents();

// Gauges of due timeouts and parked orders, sampled from the saga's tables.
builder.AddFulfilmentBacklog();

var app = builder.Build();
// The processor's only HTTP: /health/live, /health/ready and /metrics, for probes and scrapes.
app.MapServiceDefaults();
await app.RunOrMigrateAsync(args);

/// <summary>
/// Internal, which stops ASP.NET Core from generating a public Program: test projects that reference this and the API
/// host the API with WebApplicationFactory&lt;Program&gt;, and two public Program classes would clash there.
/// </summary>
internal sealed partial class Program;
