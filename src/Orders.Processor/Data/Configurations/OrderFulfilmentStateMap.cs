using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orders.Processor.Fulfilment;

namespace Orders.Processor.Data.Configurations;

/// <summary>The saga row: the order id is the key, the state a bounded string, <c>xmin</c> the concurrency token.</summary>
public sealed class OrderFulfilmentStateMap : IEntityTypeConfiguration<OrderFulfilmentState>
{
    public void Configure(EntityTypeBuilder<OrderFulfilmentState> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ToTable("order_state");
        builder.HasKey(x => x.CorrelationId);
        builder.Property(x => x.CorrelationId).ValueGeneratedNever();
        builder.Property(x => x.CurrentState).HasMaxLength(32).IsRequired();
        builder.Property(x => x.CancellationReason).HasMaxLength(200);
        builder.Property(x => x.RefundAmount).HasPrecision(18, 2);
        builder.Property(x => x.RefundCurrency).HasMaxLength(3);
        builder.Property(x => x.Version).IsRowVersion();

        // The operator queries filter on the state and sort by age.
        builder.HasIndex(x => new { x.CurrentState, x.UpdatedAt });
    }
}
