using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orders.Processor.Scheduling;

namespace Orders.Processor.Data.Configurations;

/// <summary>
/// The pending timeouts: keyed by token id, found by due time (the clock's claim) and by order (operators).
/// </summary>
public sealed class ScheduledTimeoutConfiguration : IEntityTypeConfiguration<ScheduledTimeout>
{
    public void Configure(EntityTypeBuilder<ScheduledTimeout> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ToTable("scheduled_timeout");
        builder.HasKey(x => x.TokenId);
        builder.Property(x => x.TokenId).ValueGeneratedNever();
        builder.Property(x => x.MessageType).IsRequired();
        builder.Property(x => x.Message).HasColumnType("jsonb").IsRequired();
        builder.Property(x => x.CreatedAt).HasDefaultValueSql("now()");

        builder.HasIndex(x => x.DueAt);
        builder.HasIndex(x => x.CorrelationId);
    }
}
