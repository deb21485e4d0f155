using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orders.Processor.Data;
using Xunit;

namespace Orders.Processor.Tests.Data;

/// <summary>The saga's DbContext registration: what each saga transaction's connection and context cost.</summary>
public sealed class FulfilmentDatabaseTests
{
    [Fact]
    public void Saga_connections_prepare_statements_and_skip_the_reset_query()
    {
        using var services = Build("Host=127.0.0.1;Database=orders;Username=processor");

        var connection = ConnectionOf(services);

        Assert.Equal(32, connection.MaxAutoPrepare);
        Assert.True(connection.NoResetOnClose);
    }

    [Fact]
    public void Max_auto_prepare_in_the_connection_string_wins()
    {
        using var services = Build("Host=127.0.0.1;Database=orders;Username=processor;Max Auto Prepare=5");

        Assert.Equal(5, ConnectionOf(services).MaxAutoPrepare);
    }

    [Fact]
    public async Task A_saga_transaction_takes_its_DbContext_from_the_pool()
    {
        await using var services = Build("Host=127.0.0.1;Database=orders;Username=processor");

        FulfilmentDbContext first;
        await using (var scope = services.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<FulfilmentDbContext>();
        }

        await using var next = services.CreateAsyncScope();
        Assert.Same(first, next.ServiceProvider.GetRequiredService<FulfilmentDbContext>());
    }

    private static ServiceProvider Build(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Orders"] = connectionString });
        builder.AddFulfilmentDatabase();
        return builder.Services.BuildServiceProvider();
    }

    private static NpgsqlConnectionStringBuilder ConnectionOf(ServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FulfilmentDbContext>();
        return new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
    }
}
