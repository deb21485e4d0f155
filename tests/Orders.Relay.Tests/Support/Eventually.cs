using System.Diagnostics;

namespace Orders.Relay.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes; tests never sleep for a fixed time.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting until {what()}.");
            }

            await Task.Delay(5);
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        HoldsAsync(condition, timeout, () => what);

    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, () => what);

    // "what" is built when the wait times out, so the message can show the values seen then.
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what);
}
