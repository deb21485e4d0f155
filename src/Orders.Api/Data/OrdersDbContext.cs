using Microsoft.EntityFrameworkCore;
using Orders.Api.Idempotency;
using Orders.Api.Orders;
using Orders.Api.Outbox;

namespace Orders.Api.Data;

/// <summary>
/// The API's database: <c>orders</c> and <c>outbox</c> in the <c>public</c> schema, where the connector expects them,
/// and <c>idempotency_keys</c>. Add a migration with:
/// <c>dotnet dotnet-ef migrations add &lt;WhatChanged&gt; --project src/Orders.Api --output-dir Data/Migrations</c>
/// </summary>
public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options) : DbContext(options)
{
    public const string MigrationsHistoryTable = "__orders_migrations";

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(OrdersDbContext).Assembly);
}
