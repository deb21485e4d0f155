using System.Data.Common;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orders.Processor.Scheduling;

namespace Orders.Processor.SagaRepository;

/// <summary>
/// The unit of work of <see cref="EntityFrameworkSagaTransactions{TContext, TSaga}"/>: one DbContext and one
/// transaction shared by every message of a batch, the batch's saga rows read in one query, and the timeout rows its
/// messages schedule and cancel. The rows stay tracked for the whole batch and are written together just before the
/// commit: one round trip for the batch instead of one SaveChanges per message.
/// </summary>
internal sealed class SagaBatch<TSaga>(DbContext dbContext, DbTransaction transaction) : IDisposable
    where TSaga : class, ISaga
{
    // Compiled once: every batch, one record or hundreds, starts with this read, and EF would otherwise rebuild and
    // look up its query each time.
    private static readonly Func<DbContext, Guid[], IAsyncEnumerable<TSaga>> ReadSagas = EF.CompileAsyncQuery(
        (DbContext db, Guid[] ids) => db.Set<TSaga>().Where(s => ids.Contains(s.CorrelationId)));

    // A tracked row per correlation id read or added in this batch; null means no row exists.
    private readonly Dictionary<Guid, TSaga?> sagas = [];

    public DbContext DbContext { get; } = dbContext;

    public DbTransaction Transaction { get; } = transaction;

    public PendingTimeoutWrites Timeouts { get; } = new();

    /// <summary>Held by the message being applied; messages sent at the same time take turns (<see cref="SagaBatchGate"/>).</summary>
    public SagaBatchGate Gate { get; } = new();

    /// <summary>Set once a message failed: the PostgreSQL transaction is aborted and the batch can only roll back.</summary>
    public bool Failed { get; set; }

    public async Task PreloadAsync(IReadOnlyCollection<Guid> correlationIds, CancellationToken cancellationToken)
    {
        var ids = correlationIds.Distinct().ToArray();
        foreach (var id in ids)
        {
            sagas[id] = null;
        }

        await foreach (var saga in ReadSagas(DbContext, ids).WithCancellation(cancellationToken))
        {
            sagas[saga.CorrelationId] = saga;
        }
    }

    /// <summary>True when this batch knows the saga: <paramref name="saga"/> is its row, or null if there is none.</summary>
    public bool TryGet(Guid correlationId, out TSaga? saga) => sagas.TryGetValue(correlationId, out saga);

    public void Remember(Guid correlationId, TSaga? saga) => sagas[correlationId] = saga;

    public void Dispose() => Gate.Dispose();
}
