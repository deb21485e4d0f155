using Orders.Api.Auth;
using Orders.Api.Data;
using Orders.Api.Http;
using Orders.Api;
using Orders.Api.Orders;
using Orders.ServiceDefaults;
using Orders.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
// Traces, metrics and logs (OTLP when configured), and the health checks served by MapServiceDefaults.
builder.AddServiceDefaults(OrdersApiMetrics.MeterName);
builder.AddOrdersDatabase();
builder.AddOrders();
builder.AddProblemResponses();
builder.AddOrdersAuthentication();
builder.AddRequestLimits();
builder.AddApiReference();

var app = builder.Build();
// First in the pipeline, so that every error below it, the body limit and refused tokens included, leaves as problem+json.
app.UseProblemResponses();
// Before the limits, so that they are counted per authenticated client; a refused request never reaches an endpoint.
app.UseAuthentication();
app.UseAuthorization();
// Before the endpoints, so that excess order requests are refused before they take memory or a database connection.
app.UseRequestLimits();
app.MapOrders();
app.MapServiceDefaults();
app.MapApiReference();
await app.RunOrMigrateAsync(args);

/// <summary>Entry point; public so that tests can host the API with WebApplicationFactory.</summary>
public partial class Program;
