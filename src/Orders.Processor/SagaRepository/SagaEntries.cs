using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Orders.Processor.SagaRepository;

/// <summary>What both repository contexts do to a tracked saga row alike.</summary>
internal static class SagaEntries
{
    /// <summary>Forgets the changes made to the saga's row since it was loaded, so they are not saved.</summary>
    public static void Undo<TSaga>(DbContext dbContext, TSaga saga)
        where TSaga : class, ISaga
    {
        var entry = dbContext.ChangeTracker.Entries<TSaga>().FirstOrDefault(e => e.Entity.CorrelationId == saga.CorrelationId);
        if (entry is not null)
        {
            entry.State = EntityState.Unchanged;
        }
    }
}
