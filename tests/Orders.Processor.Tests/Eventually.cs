namespace Orders.Processor.Tests;

/// <summary>Polls a condition until it holds or a deadline passes; tests never sleep a fixed time.</summary>
internal static class Eventually
{
    public static async Task<T> Get<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met in time{(because is null ? "" : ": " + because)}. Last value: {value}");
            }

            await Task.Delay(50);
        }
    }

    public static Task True(Func<Task<bool>> probe, TimeSpan? timeout = null, string? because = null) =>
        Get(probe, v => v, timeout, because);
}
