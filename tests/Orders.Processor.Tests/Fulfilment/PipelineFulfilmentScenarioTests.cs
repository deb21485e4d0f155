using Orders.Fulfilment.Scenarios;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>The scenarios through the Kafka bridge into PostgreSQL, one record per saga transaction.</summary>
[Collection(FulfilmentPipelineFixture.Collection)]
public sealed class PipelineFulfilmentScenarioTests(FulfilmentPipelineFixture pipelines) : FulfilmentScenarioTests
{
    protected override Task<FulfilmentScenario> StartAsync() => pipelines.StartAsync(batched: false);
}
