using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Orders.Processor.SagaRepository;

/// <summary>How the callers of the saga tell a failure that another attempt can get past from one that will recur.</summary>
public static class SagaFailures
{
    /// <summary>
    /// Another writer won: a concurrency conflict on a saga row, a concurrent first insert, a lock cycle. A fresh attempt
    /// at once (reloading the row) gets past it, so the mediator retries these. Never inside a batch, whose transaction is
    /// aborted: <see cref="SagaBatchFailedException"/> is outermost and never a conflict, whatever it wraps.
    /// </summary>
    public static bool IsConflict(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SagaBatchFailedException:
                    return false;
                case DbUpdateConcurrencyException:
                    return true;
                case PostgresException
                {
                    SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected
                        or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable,
                }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A conflict, or the database (or an API the saga calls) unreachable, restarting or timing out: worth retrying for as
    /// long as it lasts. Anything else (a bug, a constraint, a missing table) fails again the same way.
    /// </summary>
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbUpdateConcurrencyException or TimeoutException or HttpRequestException or NpgsqlException { IsTransient: true }
                || (e is not SagaBatchFailedException && IsConflict(e)))
            {
                return true;
            }
        }

        return false;
    }
}
