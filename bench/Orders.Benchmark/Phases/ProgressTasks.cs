using Spectre.Console;

namespace Orders.Benchmark.Phases;

internal static class ProgressTasks
{
    /// <summary>Marks a phase's line done, with what it found.</summary>
    public static void Complete(this ProgressTask task, string description)
    {
        task.IsIndeterminate = false;
        task.Description = Markup.Escape(description);
        task.Value = task.MaxValue;
        task.StopTask();
    }

    public static string Seconds(double? seconds) => seconds is { } s ? $"{s:0.00} s" : "not within the deadline";
}
