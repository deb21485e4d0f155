using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orders.Api.Outbox;

namespace Orders.Api.Data.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox");
        builder.HasKey(m => m.Id);

        // The seed's column order: the seed's connector configuration reads SELECT * and emits fields in this order.
        builder.Property(m => m.Id).HasColumnOrder(0).UseSerialColumn();
        builder.Property(m => m.UserId).HasColumnOrder(1);
        builder.Property(m => m.AggregateId).HasColumnOrder(2);
        builder.Property(m => m.Type).HasColumnOrder(3);
        builder.Property(m => m.Payload).HasColumnOrder(4).HasColumnType("jsonb");
        builder.Property(m => m.CreatedAt).HasColumnOrder(5).HasDefaultValueSql("now()");

        // pg_current_xact_id() is the 64-bit id (epoch included), so it never wraps; readers compare it with
        // pg_snapshot_xmin(pg_current_snapshot()). See ops/connect/README.md.
        builder.Property(m => m.TransactionId)
            .HasColumnOrder(6)
            .HasDefaultValueSql("(pg_current_xact_id()::text)::bigint")
            .ValueGeneratedOnAdd();
        builder.HasIndex(m => m.TransactionId).IsUnique();

        // W3C traceparent: 55 characters today; text, because a future version of the format may be longer.
        builder.Property(m => m.Traceparent).HasColumnOrder(7);
    }
}
