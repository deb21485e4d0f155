using Orders.Testing;
using Xunit;

namespace Orders.Ops.Tests;

/// <summary>The test classes that share one private PostgreSQL cluster (each class makes its own database).</summary>
[CollectionDefinition(Name)]
public sealed class SharedPostgres : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
