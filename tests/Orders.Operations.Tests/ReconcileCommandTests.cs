using System.Diagnostics;
using Orders.Contracts;
using Orders.SystemHost;
using Orders.Testing;
using Xunit;

namespace Orders.Operations.Tests;

/// <summary>The reconcile command (<c>Orders.Operations reconcile</c>) run as a script would, against the whole running system.</summary>
[Collection(OperationsDefinition.Name)]
public sealed class ReconcileCommandTests(OperationsSystem system) : IClassFixture<OperationsSystem>
{
    [Fact]
    public async Task Reconcile_exits_0_while_outbox_topic_and_sagas_agree_and_1_once_the_topic_holds_an_event_the_outbox_never_had()
    {
        var (id, total) = await system.SubmitAsync(userId: 8001);
        await system.PayAsync(id, total);
        await system.SagaReachesAsync(id, "AwaitingShipment", 2);

        var consistent = await Eventually.HoldsAsync(
            ReconcileAsync, r => r.ExitCode == 0, "reconcile finds the system consistent", describe: r => $"{r.ExitCode}: {r.Output}");
        Assert.Contains("consistent", consistent.Output);

        var stranger = Guid.NewGuid();
        await system.ProduceAsync(OperationsSystem.Topic, outboxId: -8002, new OrderSubmitted
        {
            OrderId = stranger,
            UserId = 8002,
            OccurredAt = DateTimeOffset.UtcNow,
            SchemaVersion = 1,
            Sequence = 1,
            Currency = "EUR",
            Lines = [new OrderLine { Sku = "SKU-1", Quantity = 1, UnitPrice = 1m }],
            Total = 1m,
        });
        await system.SagaReachesAsync(stranger, "AwaitingPayment", 1);

        var inconsistent = await ReconcileAsync();
        Assert.Equal(1, inconsistent.ExitCode);
        Assert.Contains($"{stranger}  PROBLEM   NotInOutbox", inconsistent.Output);
        Assert.Contains($"{stranger}  PROBLEM   SagaAhead", inconsistent.Output);
        Assert.DoesNotContain(id.ToString(), inconsistent.Output);
    }

    private async Task<(int ExitCode, string Output)> ReconcileAsync()
    {
        var folder = Path.Combine(RepositoryRoot.Find(), "src", "Orders.Operations", "bin",
#if DEBUG
            "Debug",
#else
            "Release",
#endif
            "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            Path.Combine(folder, "Orders.Operations.dll"), "reconcile",
            $"--ConnectionStrings:Orders={system.System.ConnectionString}", $"--Kafka:BootstrapServers={system.System.Kafka.BootstrapServers}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
