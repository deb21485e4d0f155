using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orders.Api.Orders;
using Orders.Contracts;

namespace Orders.Api.Data.Configurations;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> builder)
    {
        builder.ToTable("orders");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.Currency).HasMaxLength(3).IsFixedLength();
        builder.Property(o => o.Total).HasPrecision(12, 2);
        builder.Property(o => o.PaidAmount).HasPrecision(12, 2);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.Sequence).IsConcurrencyToken();
        builder.Property(o => o.PaymentReference).HasMaxLength(128);
        builder.Property(o => o.Carrier).HasMaxLength(64);
        builder.Property(o => o.TrackingNumber).HasMaxLength(128);
        builder.Property(o => o.CancellationReason).HasMaxLength(256);

        // Lines are read and written with the order, never queried alone: one jsonb column keeps a submit to one row.
        builder.Property(o => o.Lines)
            .HasColumnType("jsonb")
            .HasConversion(
                lines => JsonSerializer.Serialize(lines, OrderEventTypes.JsonOptions),
                json => JsonSerializer.Deserialize<List<OrderLine>>(json, OrderEventTypes.JsonOptions) ?? new List<OrderLine>(),
                new ValueComparer<IReadOnlyList<OrderLine>>(
                    (a, b) => a!.SequenceEqual(b!),
                    lines => lines.Aggregate(0, (hash, line) => HashCode.Combine(hash, line.GetHashCode())),
                    lines => lines.ToList()));

        // Keyset paging of GET /orders?userId=&status= walks (user_id, created_at, id).
        builder.HasIndex(o => new { o.UserId, o.CreatedAt, o.Id });
    }
}
