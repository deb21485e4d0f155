using System.Text.RegularExpressions;
using Orders.Fulfilment.Scenarios;
using Orders.SystemHost;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>docs/saga-scenarios.md shows code that runs: its examples are tests, its export is the replay's query.</summary>
public sealed partial class SagaScenarioGuideTests
{
    private static readonly string Root = RepositoryRoot.Find();

    [Fact]
    public void Every_example_in_the_guide_is_a_scenario_test_as_written()
    {
        var guide = File.ReadAllText(Path.Combine(Root, "docs", "saga-scenarios.md"));
        var tests = Normalized(File.ReadAllText(Path.Combine(Root, "tests", "Orders.Processor.Tests", "Fulfilment", "FulfilmentScenarioTests.cs")));

        var examples = CSharpBlock().Matches(guide).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(5, examples.Count);
        Assert.All(examples, example => Assert.Contains(Normalized(example), tests, StringComparison.Ordinal));
    }

    [Fact]
    public void Export_command_in_the_guide_runs_the_query_the_replay_reads()
    {
        var guide = Normalized(File.ReadAllText(Path.Combine(Root, "docs", "saga-scenarios.md")));

        Assert.Contains(Normalized(RecordedHistory.ExportSql.Replace("$1", ":'order'", StringComparison.Ordinal)), guide, StringComparison.Ordinal);
    }

    private static string Normalized(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
