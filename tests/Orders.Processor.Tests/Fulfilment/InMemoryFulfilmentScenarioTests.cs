using Orders.Fulfilment.Scenarios;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>The scenarios on the state machine alone: a fresh saga, repository and timeout table each, in milliseconds.</summary>
public sealed class InMemoryFulfilmentScenarioTests : FulfilmentScenarioTests
{
    protected override Task<FulfilmentScenario> StartAsync()
    {
        var backend = InMemorySagaBackend.Start(FulfilmentPipelineFixture.NewClock());
        return Task.FromResult(new FulfilmentScenario(backend, owned: backend));
    }
}
