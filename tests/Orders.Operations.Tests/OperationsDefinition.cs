using Xunit;

namespace Orders.Operations.Tests;

/// <summary>The classes here each run a whole system; one at a time, so they do not share the cores.</summary>
[CollectionDefinition(Name)]
public sealed class OperationsDefinition
{
    public const string Name = "operations";
}
