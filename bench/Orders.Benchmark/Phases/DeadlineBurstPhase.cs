using System.Diagnostics;
using Npgsql;
using Orders.Benchmark.Ceiling;
using Orders.Benchmark.Load;
using Orders.Benchmark.Measure;
using Orders.Benchmark.Report;
using Spectre.Console;

namespace Orders.Benchmark.Phases;

/// <summary>
/// The end of a sale: payment deadlines of many unpaid orders due at the same moment. Submits the orders (with the
/// ceiling's SQL, so the API's capacity is left to the deliveries), waits until the saga has scheduled each deadline,
/// makes them all due now, and measures how fast the processor nodes deliver them and the API cancels the orders.
/// </summary>
internal static class DeadlineBurstPhase
{
    private const long UsersPerBurst = 100_000_000;

    public sealed record Outcome(DeadlineBurstResult Result, PhaseCost Cost);

    public static async Task<Outcome> RunAsync(
        PhaseContext context, SqlOrderWriter writer, int nodes, long firstUserId, CancellationToken cancellationToken)
    {
        var options = context.Options;
        var preparing = context.Progress.AddTask($"Deadline burst, {nodes} node(s): submit {options.Deadlines:N0} unpaid orders", maxValue: 1).IsIndeterminate();
        // A burst the phase before left undelivered would be delivered first and counted against this one.
        await WaitForAsync(context, StillDue(context), n => n == 0, options.DrainDeadline, cancellationToken);
        await new ClosedLoopLoad(writer, Workload.Submit)
            .RunAsync(options.Concurrency, TimeSpan.FromMinutes(10), options.Deadlines, firstUserId, cancellationToken);
        var scheduled = await WaitForAsync(
            context, Count(context, Scheduled, firstUserId), n => n >= options.Deadlines, options.CatchUpDeadline, cancellationToken);
        preparing.Complete($"Deadline burst, {nodes} node(s): {scheduled:N0} of {options.Deadlines:N0} payment deadlines scheduled");

        // The clients may each have submitted one order past the count: what is measured is what was scheduled.
        var count = scheduled;

        var task = context.Progress.AddTask($"Deadline burst: {nodes} node(s) deliver {count:N0} deadlines", maxValue: count);
        var cpuBefore = context.Cpu.Read();
        await using (var due = context.DataSource.CreateCommand(MakeDue))
        {
            due.Parameters.Add(new NpgsqlParameter<long>("first", firstUserId));
            due.Parameters.Add(new NpgsqlParameter<long>("last", firstUserId + UsersPerBurst));
            await due.ExecuteNonQueryAsync(cancellationToken);
        }

        var start = Stopwatch.GetTimestamp();
        var pending = Count(context, Scheduled, firstUserId);
        var cancelled = Count(context, Cancelled, firstUserId);
        double? deliveredAt = null;
        double? cancelledAt = null;
        var left = count;
        long done = 0;
        while ((deliveredAt is null || cancelledAt is null) && Stopwatch.GetElapsedTime(start) < options.DrainDeadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            var now = Stopwatch.GetElapsedTime(start).TotalSeconds;
            left = await pending(cancellationToken);
            done = await cancelled(cancellationToken);
            task.Value = done;
            deliveredAt ??= left == 0 ? now : null;
            cancelledAt ??= done >= count ? now : null;
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        var cost = new PhaseCost(CpuUsage.Cores(cpuBefore, context.Cpu.Read(), elapsed));
        var result = new DeadlineBurstResult(
            nodes,
            count,
            Round(deliveredAt),
            Round(cancelledAt),
            Math.Round(Math.Max(0, count - left) / (deliveredAt ?? elapsed.TotalSeconds), 1),
            Math.Round(done / (cancelledAt ?? elapsed.TotalSeconds), 1));
        task.Complete($"Deadline burst, {nodes} node(s): {result.DeliveredPerSecond:N0} deadlines/s delivered, {result.CancelledPerSecond:N0} orders/s cancelled" +
            (cancelledAt is null ? $" ({done:N0} of {count:N0} cancelled by the deadline)" : ""));
        return new Outcome(result, cost);
    }

    private const string Scheduled = """
        SELECT count(*) FROM fulfilment.scheduled_timeout t JOIN orders o ON o.id = t.correlation_id
        WHERE o.user_id >= @first AND o.user_id < @last
        """;

    private const string Cancelled = """
        SELECT count(*) FROM orders WHERE user_id >= @first AND user_id < @last AND status = 'Cancelled'
        """;

    private const string MakeDue = """
        UPDATE fulfilment.scheduled_timeout t SET due_at = now()
        FROM orders o WHERE o.id = t.correlation_id AND o.user_id >= @first AND o.user_id < @last
        """;

    private static Func<CancellationToken, Task<long>> StillDue(PhaseContext context) =>
        async cancellationToken =>
        {
            await using var command = context.DataSource.CreateCommand("SELECT count(*) FROM fulfilment.scheduled_timeout WHERE due_at <= now()");
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        };

    private static Func<CancellationToken, Task<long>> Count(PhaseContext context, string sql, long firstUserId) =>
        async cancellationToken =>
        {
            await using var command = context.DataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<long>("first", firstUserId));
            command.Parameters.Add(new NpgsqlParameter<long>("last", firstUserId + UsersPerBurst));
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        };

    private static async Task<long> WaitForAsync(
        PhaseContext context, Func<CancellationToken, Task<long>> observe, Func<long, bool> done, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        long value;
        while (!done(value = await observe(cancellationToken)) && Stopwatch.GetElapsedTime(start) < timeout)
        {
            context.Memory.Sample(context.System.Processor);
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return value;
    }

    private static double? Round(double? seconds) => seconds is { } s ? Math.Round(s, 3) : null;
}
