using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Orders.Processor.Scheduling;

/// <summary>
/// Writes a saga transaction's <see cref="PendingTimeoutWrites"/> as it commits, after the saga rows, so the timeouts
/// commit or roll back with them; and starts every transaction with none.
/// </summary>
internal sealed class WriteTimeoutsBeforeCommit : DbTransactionInterceptor
{
    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        PendingTimeoutWrites.Discard(result);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        PendingTimeoutWrites.Discard(result);
        return ValueTask.FromResult(result);
    }

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        await PendingTimeoutWrites.FlushAsync(transaction, cancellationToken);
        return result;
    }

    // Saga transactions commit asynchronously; anything else (migrations) has no timeouts to write.
    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result) =>
        PendingTimeoutWrites.AnyFor(transaction)
            ? throw new InvalidOperationException("A saga transaction with timeout changes must commit asynchronously.")
            : result;
}
