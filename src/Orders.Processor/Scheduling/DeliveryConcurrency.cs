using System.Net;
using Microsoft.Extensions.Options;

namespace Orders.Processor.Scheduling;

/// <summary>
/// How many deadlines one node delivers at once per firing: <see cref="SchedulingOptions.MaxConcurrency"/> while the
/// Orders API takes them, halved each time it refuses a delivery for load (429 or 503, after the client's own retries),
/// and one more after each group delivered in full, up to the maximum again: additive increase, multiplicative
/// decrease, so a burst of deadlines is delivered as fast as the API answers without piling onto it when it cannot.
/// </summary>
internal sealed class DeliveryConcurrency(IOptions<SchedulingOptions> options, OrdersProcessorMetrics metrics)
{
    private readonly int maximum = options.Value.MaxConcurrency;
    private int current = options.Value.MaxConcurrency;

    public int Current => Volatile.Read(ref current);

    /// <summary>A group was delivered without a refusal: allow one more delivery at once.</summary>
    public void Delivered() => Set(c => Math.Min(maximum, c + 1));

    /// <summary>
    /// Halves the concurrency when <paramref name="exception"/> is the Orders API refusing for load; true if it was.
    /// </summary>
    public bool RefusedForLoad(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception.GetBaseException() is not HttpRequestException
            {
                StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable,
            })
        {
            return false;
        }

        Set(c => Math.Max(1, c / 2));
        return true;
    }

    private void Set(Func<int, int> next)
    {
        int seen, wanted;
        do
        {
            seen = Volatile.Read(ref current);
            wanted = next(seen);
        }
        while (Interlocked.CompareExchange(ref current, wanted, seen) != seen);

        metrics.TimeoutDeliveryConcurrency(wanted);
    }
}
