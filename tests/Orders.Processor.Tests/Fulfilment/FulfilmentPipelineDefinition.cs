using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>The scenarios that run on the real pipeline share one <see cref="FulfilmentPipelineFixture"/>.</summary>
[CollectionDefinition(FulfilmentPipelineFixture.Collection)]
public sealed class FulfilmentPipelineDefinition : ICollectionFixture<FulfilmentPipelineFixture>;
