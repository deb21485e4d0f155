using Orders.Fulfilment.Scenarios;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>The scenarios through the Kafka bridge into PostgreSQL, a partition's waiting records in one saga transaction.</summary>
[Collection(FulfilmentPipelineFixture.Collection)]
public sealed class BatchedPipelineFulfilmentScenarioTests(FulfilmentPipelineFixture pipelines) : FulfilmentScenarioTests
{
    protected override Task<FulfilmentScenario> StartAsync() => pipelines.StartAsync(batched: true);
}
