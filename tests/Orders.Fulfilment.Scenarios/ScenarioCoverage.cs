using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orders.Processor;
using Orders.Processor.Fulfilment;

namespace Orders.Fulfilment.Scenarios;

/// <summary>The cells of the state table as the state machine defines them, and those the scenarios cover.</summary>
public static class ScenarioCoverage
{
    /// <summary>Every state the saga can be in (<c>Initial</c> included, <c>Final</c> not: the saga never finalises).</summary>
    public static IReadOnlyList<string> States()
    {
        var machine = Machine();
        return [.. machine.States.Select(s => s.Name).Where(n => n != machine.Final.Name)];
    }

    /// <summary>Every event the saga reacts to: the order events and the timeouts' Received events.</summary>
    public static IReadOnlyList<string> Events()
    {
        var machine = Machine();
        return [.. machine.Events.Select(e => e.Name).Where(n => !n.Contains("Any", StringComparison.Ordinal) && !n.EndsWith("Faulted", StringComparison.Ordinal))];
    }

    /// <summary>The (state, event) cells the [Covers] scenarios of an assembly name.</summary>
    public static IReadOnlySet<(string State, string Event)> Covered(Assembly scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        return scenarios.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributes<CoversAttribute>())
            .Select(c => (c.State, c.Event))
            .ToHashSet();
    }

    private static OrderFulfilmentStateMachine Machine()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return new OrderFulfilmentStateMachine(
            Options.Create(new FulfilmentOptions()),
            new OrdersProcessorMetrics(services.GetRequiredService<IMeterFactory>()),
            TimeProvider.System,
            NullLogger<OrderFulfilmentStateMachine>.Instance);
    }
}
