using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orders.Api.Idempotency;

namespace Orders.Api.Data.Configurations;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_keys");
        builder.HasKey(r => new { r.Scope, r.Key });
        builder.Property(r => r.Scope).HasMaxLength(IdempotencyRequest.MaxScopeLength);
        builder.Property(r => r.Key).HasMaxLength(IdempotencyRequest.MaxKeyLength);
        builder.Property(r => r.RequestHash).HasMaxLength(32);
    }
}
