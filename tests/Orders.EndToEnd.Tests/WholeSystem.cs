using Xunit;

namespace Orders.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class WholeSystem : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}
