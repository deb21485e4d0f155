namespace Orders.Processor.Kafka;

/// <summary>
/// The Kafka bridge's one retry policy, for a record's saga transaction and its dead-letter write alike: exponential
/// backoff from <see cref="KafkaOptions.RetryInitialDelay"/> to <see cref="KafkaOptions.RetryMaxDelay"/>; a transient
/// failure is retried until it passes or the partition stops, any other at most <see cref="KafkaOptions.MaxAttempts"/>
/// times. Nothing below it retries an outage (no EF execution-strategy retries, the mediator retries only concurrency
/// conflicts), so one failed attempt costs one backoff and a stop is never held up by a nested retry.
/// </summary>
internal sealed class RecordRetryPolicy(KafkaOptions options, KafkaConsumerMetrics metrics)
{
    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds (null) or a failure that is not transient used up the attempts
    /// (that failure). Throws once <paramref name="stop"/> is signalled: the record stays unapplied.
    /// </summary>
    public async Task<Exception?> RunAsync(
        Func<CancellationToken, Task> attempt,
        Func<Exception, bool> isTransient,
        Action<int, TimeSpan, Exception> onFailure,
        PartitionStopSignal stop)
    {
        for (var attempts = 1; ; attempts++)
        {
            try
            {
                await attempt(stop.InFlight);
                return null;
            }
            catch (Exception exception) when (!stop.IsStopping)
            {
                if (!isTransient(exception) && attempts >= options.MaxAttempts)
                {
                    return exception;
                }

                var delay = Backoff(attempts);
                onFailure(attempts, delay, exception);
                metrics.RecordRetry();
                await Task.Delay(delay, stop.Stopping);
            }
        }
    }

    public TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(options.RetryInitialDelay.Ticks * factor, options.RetryMaxDelay.Ticks));
    }
}
