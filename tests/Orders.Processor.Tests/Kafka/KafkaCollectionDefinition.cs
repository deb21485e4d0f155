using Orders.Testing;
using Xunit;

namespace Orders.Processor.Tests.Kafka;

[CollectionDefinition(Name)]
public sealed class KafkaCollectionDefinition : ICollectionFixture<KafkaFixture>
{
    public const string Name = "Kafka";
}
