using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests;

/// <summary>One private PostgreSQL cluster for every test class that needs one; each class makes its own database.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresDefinition : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
