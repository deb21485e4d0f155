using Xunit;

namespace Orders.Api.Tests;

[CollectionDefinition(Name)]
public sealed class ApiCollectionDefinition : ICollectionFixture<ApiFixture>
{
    public const string Name = "Orders API";
}
