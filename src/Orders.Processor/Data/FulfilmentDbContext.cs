using Microsoft.EntityFrameworkCore;
using Orders.Processor.Fulfilment;
using Orders.Processor.History;

namespace Orders.Processor.Data;

/// <summary>
/// The processor's database: the saga table <c>fulfilment.order_state</c> and the timeout table
/// <c>fulfilment.scheduled_timeout</c>, the per-order history <c>fulfilment.order_history</c>; the Quartz store of the timeout clock (<c>fulfilment.qrtz_*</c>) is created by
/// the AddQuartzStore migration. Add a migration with:
/// <c>dotnet dotnet-ef migrations add &lt;WhatChanged&gt; --project src/Orders.Processor --output-dir Data/Migrations</c>
/// </summary>
public sealed class FulfilmentDbContext(DbContextOptions<FulfilmentDbContext> options) : DbContext(options)
{
    public const string Schema = "fulfilment";
    public const string MigrationsHistoryTable = "__fulfilment_migrations";

    public DbSet<OrderFulfilmentState> Orders => Set<OrderFulfilmentState>();

    public DbSet<OrderHistoryEntry> History => Set<OrderHistoryEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(FulfilmentDbContext).Assembly);
    }
}
