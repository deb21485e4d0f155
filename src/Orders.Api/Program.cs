using Orders.Api.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddOrdersDatabase();

var app = builder.Build();
app.Run();

/// <summary>Entry point; public so that tests can host the API with WebApplicationFactory.</summary>
public partial class Program;
