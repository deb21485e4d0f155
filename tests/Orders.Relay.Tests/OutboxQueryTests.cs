using System.Text.Json;
using Orders.Relay.Outbox;
using Xunit;

namespace Orders.Relay.Tests;

public sealed class OutboxQueryTests
{
    [Fact]
    public void Relay_reads_with_the_shipped_connector_query()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "outbox-source.json")));
        var root = config.RootElement;

        Assert.Equal(OutboxQuery.Connector, root.GetProperty("query").GetString());
        Assert.Equal(OutboxQuery.PositionColumn, root.GetProperty("incrementing.column.name").GetString());
        Assert.Equal(OutboxQuery.KeyColumn, root.GetProperty("transforms.extractKey.field").GetString());
        Assert.Equal(OutboxQuery.TraceparentColumn, root.GetProperty("transforms.traceHeader.fields").GetString());
        Assert.StartsWith(
            OutboxQuery.Connector + " WHERE \"transaction_id\" > @last ORDER BY \"transaction_id\" ASC", OutboxQuery.Relay, StringComparison.Ordinal);
    }
}
