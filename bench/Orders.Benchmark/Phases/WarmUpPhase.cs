using System.Diagnostics;
using Orders.Benchmark.Load;
using Orders.Benchmark.Measure;
using Spectre.Console;

namespace Orders.Benchmark.Phases;

/// <summary>JIT, connection pools, Kafka group join: a short load at a low rate, until the saga has applied all of it.</summary>
internal static class WarmUpPhase
{
    public static async Task RunAsync(PhaseContext context, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var task = context.Progress.AddTask("Warm up", maxValue: 1).IsIndeterminate();
        using var writer = new ApiOrderWriter(context.System, 64);
        await using var tracker = new EndToEndTracker(context.DataSource);
        var load = new OpenLoopLoad(writer, options.Workload, tracker);
        await load.RunAsync(Math.Min(options.Rate, 200), TimeSpan.FromSeconds(options.Quick ? 3 : 10), 900_000_000, cancellationToken);
        if (load.FailedOrders > 0)
        {
            var reasons = string.Join(", ", writer.Failures.Select(f => $"{f.Key} x{f.Value}"));
            AnsiConsole.MarkupLine($"[yellow]Warm up: {load.FailedOrders} orders failed at the API: {Markup.Escape(reasons)}[/]");
        }

        await tracker.StartAsync(cancellationToken);
        var deadline = Stopwatch.GetTimestamp() + (long)(options.CatchUpDeadline.TotalSeconds * Stopwatch.Frequency);
        while (tracker.Outstanding > 0 && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        task.Complete(tracker.Outstanding > 0
            ? $"Warm up: the saga had not applied {tracker.Outstanding:N0} of {tracker.Expected:N0} changes after {options.CatchUpDeadline.TotalSeconds:0} s; going on"
            : $"Warm up: {load.Orders:N0} orders applied by the saga");
    }
}
