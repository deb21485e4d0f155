using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orders.Processor.Scheduling;

namespace Orders.Processor.Data.Configurations;

/// <summary>The timeouts given up after their delivery attempts: keyed by token id, found by order and by age.</summary>
public sealed class DeadTimeoutConfiguration : IEntityTypeConfiguration<DeadTimeout>
{
    public void Configure(EntityTypeBuilder<DeadTimeout> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ToTable("dead_timeout");
        builder.HasKey(x => x.TokenId);
        builder.Property(x => x.TokenId).ValueGeneratedNever();
        builder.Property(x => x.MessageType).IsRequired();
        builder.Property(x => x.Message).HasColumnType("jsonb").IsRequired();
        builder.Property(x => x.LastError).IsRequired();
        builder.Property(x => x.DiedAt).HasDefaultValueSql("now()");

        builder.HasIndex(x => x.CorrelationId);
        builder.HasIndex(x => x.DiedAt);
    }
}
