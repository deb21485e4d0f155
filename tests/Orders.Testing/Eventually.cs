using System.Diagnostics;

namespace Orders.Testing;

/// <summary>
/// Polls until a condition holds or a deadline passes, so that tests never sleep a fixed time. A timeout fails with
/// what was awaited and, for an observed value, the last one seen.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeout);

    public static Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        HoldsAsync(condition, held => held, what, timeout, _ => "the condition was false");

    /// <summary>Polls <paramref name="observe"/> until its value satisfies <paramref name="condition"/>, and returns it.</summary>
    public static async Task<T> HoldsAsync<T>(
        Func<Task<T>> observe,
        Func<T, bool> condition,
        string what,
        TimeSpan? timeout = null,
        Func<T, string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(observe);
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var observed = await observe();
            if (condition(observed))
            {
                return observed;
            }

            if (clock.Elapsed > limit)
            {
                var seen = describe is null ? observed?.ToString() : describe(observed);
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting until {what}. Last seen: {seen}");
            }

            await Task.Delay(PollInterval);
        }
    }
}
