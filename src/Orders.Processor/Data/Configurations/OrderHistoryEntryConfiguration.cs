using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orders.Processor.History;

namespace Orders.Processor.Data.Configurations;

/// <summary>The per-order history: read by order, in insertion order.</summary>
public sealed class OrderHistoryEntryConfiguration : IEntityTypeConfiguration<OrderHistoryEntry>
{
    public void Configure(EntityTypeBuilder<OrderHistoryEntry> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ToTable("order_history");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).UseIdentityAlwaysColumn();
        builder.Property(x => x.Event).HasMaxLength(64).IsRequired();
        builder.Property(x => x.StateBefore).HasMaxLength(32);
        builder.Property(x => x.StateAfter).HasMaxLength(32).IsRequired();
        builder.Property(x => x.TraceId).HasMaxLength(32);

        builder.HasIndex(x => new { x.OrderId, x.Id });
    }
}
