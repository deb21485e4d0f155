using Orders.Fulfilment.Scenarios;
using Orders.SystemHost;
using Xunit;

namespace Orders.Processor.Tests.Fulfilment;

/// <summary>
/// The state table in docs/processor.md, the state machine and the scenarios must agree: a state or event added to
/// the machine without a row or column in the table, or without a scenario for each new cell, fails here.
/// </summary>
public sealed class StateTableCoverageTests
{
    [Fact]
    public void Documented_state_table_has_a_row_per_state_and_a_column_per_event_of_the_state_machine()
    {
        var (rows, columns) = DocumentedStateTable();

        Assert.Equal(ScenarioCoverage.States().Order(), rows.Order());
        Assert.Equal(ScenarioCoverage.Events().Order(), columns.Order());
    }

    [Fact]
    public void Every_cell_of_the_state_table_has_a_scenario()
    {
        var covered = ScenarioCoverage.Covered(typeof(FulfilmentScenarioTests).Assembly);

        var missing = ScenarioCoverage.States()
            .SelectMany(state => ScenarioCoverage.Events().Select(e => (State: state, Event: e)))
            .Where(cell => !covered.Contains(cell))
            .Select(cell => $"{cell.State} × {cell.Event}")
            .ToList();

        Assert.True(missing.Count == 0, "No scenario [Covers] these cells: " + string.Join(", ", missing));
    }

    [Fact]
    public void Scenarios_cover_only_cells_the_state_machine_has()
    {
        var cells = ScenarioCoverage.States()
            .SelectMany(state => ScenarioCoverage.Events().Select(e => (state, e)))
            .ToHashSet();

        Assert.DoesNotContain(ScenarioCoverage.Covered(typeof(FulfilmentScenarioTests).Assembly), c => !cells.Contains(c));
    }

    /// <summary>Row and column names of the table under "States and transitions", in the machine's terms.</summary>
    private static (IReadOnlyList<string> Rows, IReadOnlyList<string> Columns) DocumentedStateTable()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Find(), "docs", "processor.md"));
        var table = lines
            .SkipWhile(l => !l.StartsWith("| State |", StringComparison.Ordinal))
            .TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToList())
            .ToList();
        Assert.True(table.Count > 2, "docs/processor.md has no state table starting with '| State |'.");

        var columns = table[0].Skip(1).Select(ColumnEvent).ToList();
        var rows = table.Skip(2).Select(r => r[0] == "(none yet)" ? "Initial" : r[0]).ToList();
        return (rows, columns);
    }

    /// <summary>"OrderPaid (next)" is OrderPaid; "Payment timeout" is the PaymentTimeout schedule's Received event.</summary>
    private static string ColumnEvent(string header)
    {
        var name = header.Replace(" (next)", "", StringComparison.Ordinal);
        return name.EndsWith(" timeout", StringComparison.Ordinal)
            ? name[..^" timeout".Length] + "Timeout.Received"
            : name;
    }
}
