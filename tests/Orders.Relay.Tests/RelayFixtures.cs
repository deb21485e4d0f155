using Orders.Testing;
using Xunit;

namespace Orders.Relay.Tests;

/// <summary>One PostgreSQL cluster and one Kafka stand-in for every relay test; each class takes its own database and topic.</summary>
[CollectionDefinition(Name)]
public sealed class RelayFixtures : ICollectionFixture<PostgresFixture>, ICollectionFixture<KafkaFixture>
{
    public const string Name = "Relay";
}
