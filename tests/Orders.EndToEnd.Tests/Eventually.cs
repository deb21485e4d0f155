namespace Orders.EndToEnd.Tests;

internal static class Eventually
{
    /// <summary>Polls until the condition holds, failing with the last observation after the deadline.</summary>
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> observe, Func<T, bool> condition, TimeSpan timeout, Func<T, string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var observed = await observe();
            if (condition(observed))
            {
                return observed;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within {timeout.TotalSeconds} s. Last seen: {describe(observed)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
