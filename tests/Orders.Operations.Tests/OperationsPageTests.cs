using Microsoft.Playwright;
using Orders.Contracts;
using Orders.Testing;
using Xunit;

namespace Orders.Operations.Tests;

/// <summary>The operations page in headless Chromium against the whole running system.</summary>
[Collection(OperationsDefinition.Name)]
public sealed class OperationsPageTests(OperationsSystem system) : IClassFixture<OperationsSystem>
{
    [Fact]
    public async Task Operator_finds_an_order_and_sees_its_outbox_rows_published_and_each_transition_with_where_it_was_read()
    {
        var (id, total) = await system.SubmitAsync(userId: 7001);
        await system.PayAsync(id, total);
        await system.SagaReachesAsync(id, "AwaitingShipment", 2);
        var page = await system.NewPageAsync();

        await page.GotoAsync("/");
        await page.FillAsync("input[name=order]", id.ToString());
        await page.ClickAsync("text=Find order");
        await page.WaitForURLAsync($"**/orders/{id}");

        await Eventually.HoldsAsync(
            async () =>
            {
                await page.ReloadAsync();
                return await page.Locator("#outbox td", new() { HasTextString = "published" }).CountAsync() == 2;
            },
            "both outbox rows show as published");
        Assert.Equal("Paid", await page.Locator("#order tr").Nth(1).Locator("td").First.InnerTextAsync());
        Assert.Equal("AwaitingShipment", await page.Locator("#saga tr").Nth(1).Locator("td").First.InnerTextAsync());
        var history = await Rows(page, "#history");
        Assert.Equal(2, history.Count);
        Assert.Equal(["OrderSubmitted", "1", "", "AwaitingPayment"], history[0][1..5]);
        Assert.Equal(["OrderPaid", "2", "AwaitingPayment", "AwaitingShipment"], history[1][1..5]);
        Assert.All(history, row => Assert.Matches(@"^\d+@\d+$", row[5]));
        Assert.Contains("ShipmentTimedOut", (await Rows(page, "#timeouts")).Single()[0]);
        if (Environment.GetEnvironmentVariable("OPERATIONS_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        }
    }

    [Fact]
    public async Task Operator_re_drives_a_parked_order_from_the_outbox_and_no_event_is_applied_twice()
    {
        var (id, total) = await system.SubmitAsync(userId: 7002);
        await system.SagaReachesAsync(id, "AwaitingPayment", 1);
        // A record from nowhere, two ahead: the saga parks and holds back what follows, the API's payment included.
        await system.ProduceAsync(OperationsSystem.Topic, outboxId: -7002, Shipped(id, 7002, sequence: 3));
        await system.SagaReachesAsync(id, "Parked", 1);
        await system.PayAsync(id, total);
        await Eventually.HoldsAsync(
            async () => (await HistoryAsync(id)).Contains(("OrderPaid", 2, "Parked")), "the payment is held back by the parked saga");
        var page = await system.NewPageAsync();
        await page.GotoAsync("/");
        Assert.Contains("waits for #2, holds up to #3", await page.Locator("#parked tr", new() { HasTextString = id.ToString() }).InnerTextAsync());
        Assert.NotEmpty(await Rows(page, "#partitions"));
        await page.ClickAsync($"#parked a:has-text('{id}')");
        await page.WaitForURLAsync($"**/orders/{id}");
        Assert.Equal("Parked", await page.Locator("#saga tr").Nth(1).Locator("td").First.InnerTextAsync());
        var token = await page.InputValueAsync("form:has(#redrive) input[name=__RequestVerificationToken]");

        await page.ClickAsync("#redrive");

        await page.Locator("[role=status]", new() { HasTextString = "Resumed in AwaitingPayment" }).WaitForAsync();
        await system.SagaReachesAsync(id, "AwaitingShipment", 2);
        // The same confirmed form sent once more: refused, because the order is no longer parked.
        var again = await page.APIRequest.PostAsync($"/orders/{id}?handler=Redrive", new()
        {
            Form = page.APIRequest.CreateFormData().Set("__RequestVerificationToken", token),
        });
        Assert.Contains("not parked", await again.TextAsync());
        await system.SagaReachesAsync(id, "AwaitingShipment", 2);
        var applied = (await HistoryAsync(id)).Where(h => h.StateAfter != "Parked").Select(h => h.Sequence).ToList();
        Assert.Equal([1, 2], applied);
        var timeouts = await system.ListAsync(
            "SELECT message_type FROM fulfilment.scheduled_timeout WHERE correlation_id = @id", r => r.GetString(0), ("id", id));
        Assert.Equal(["Orders.Processor.Fulfilment.ShipmentTimedOut"], timeouts);
    }

    [Fact]
    public async Task Operator_replays_a_dead_letter_and_the_saga_applies_it()
    {
        var (id, _) = await system.SubmitAsync(userId: 7003);
        await system.SagaReachesAsync(id, "AwaitingPayment", 1);
        // Dead-lettered the way the processor does it, as by a version that could not read the event then.
        var cancelled = new OrderCancelled
        {
            OrderId = id,
            UserId = 7003,
            OccurredAt = DateTimeOffset.UtcNow,
            SchemaVersion = 1,
            Sequence = 2,
            Reason = "customer",
        };
        var dead = await system.ProduceAsync(OperationsSystem.DeadLetterTopic, outboxId: -7003, cancelled, new Dictionary<string, string>
        {
            ["dlq-reason"] = "unknown-type",
            ["dlq-error"] = "The event type 'OrderCancelled' is not known.",
            ["dlq-original-topic"] = OperationsSystem.Topic,
            ["dlq-original-partition"] = "0",
            ["dlq-original-offset"] = "0",
            ["dlq-consumer-group"] = "orders-processor",
        });
        var page = await system.NewPageAsync();
        await page.GotoAsync($"/orders/{id}");
        var row = page.Locator("#dead-letters tr", new() { HasTextString = $"{dead.Partition.Value}@{dead.Offset.Value}" });
        Assert.Contains("unknown-type", await row.InnerTextAsync());

        await row.Locator("button", new() { HasTextString = "Replay" }).ClickAsync();

        await page.Locator("[role=status]", new() { HasTextString = "Replayed" }).WaitForAsync();
        await system.SagaReachesAsync(id, "Cancelled", 2);
        await page.ReloadAsync();
        var history = await Rows(page, "#history");
        Assert.Equal(["OrderCancelled", "2", "AwaitingPayment", "Cancelled"], history[^1][1..5]);
        Assert.Matches(@"^\d+@\d+$", history[^1][5]);
    }

    [Fact]
    public async Task Operator_retries_a_dead_payment_deadline_and_the_processor_then_cancels_the_order()
    {
        var (id, _) = await system.SubmitAsync(userId: 7004);
        await system.SagaReachesAsync(id, "AwaitingPayment", 1);
        // As the processor gives a timeout up after its attempts: out of the pending timeouts into the dead ones.
        var dead = await system.ListAsync(
            """
            WITH given_up AS (DELETE FROM fulfilment.scheduled_timeout WHERE correlation_id = @id RETURNING *)
            INSERT INTO fulfilment.dead_timeout (token_id, correlation_id, message_type, message, due_at, created_at, attempts, last_error)
            SELECT token_id, correlation_id, message_type, message, due_at, created_at, 10, 'test: the Orders API answered 500'
            FROM given_up RETURNING token_id
            """,
            r => r.GetGuid(0),
            ("id", id));
        Assert.Single(dead);
        var page = await system.NewPageAsync();
        await page.GotoAsync($"/orders/{id}");
        Assert.Contains("dead: given up", (await Rows(page, "#timeouts")).Single()[0]);

        await page.ClickAsync("#timeouts button:has-text('Retry now')");

        await page.Locator("[role=status]", new() { HasTextString = "pending again" }).WaitForAsync();
        // Due at once: the clock delivers it, the API cancels the unpaid order, and its event moves the saga.
        await system.SagaReachesAsync(id, "Cancelled", 2);
        Assert.Empty(await system.ListAsync(
            "SELECT token_id FROM fulfilment.dead_timeout WHERE correlation_id = @id", r => r.GetGuid(0), ("id", id)));
    }

    private static OrderShipped Shipped(Guid id, long userId, int sequence) => new()
    {
        OrderId = id,
        UserId = userId,
        OccurredAt = DateTimeOffset.UtcNow,
        SchemaVersion = 1,
        Sequence = sequence,
        Carrier = "DHL",
        TrackingNumber = "TRK-1",
    };

    private Task<List<(string Event, int Sequence, string StateAfter)>> HistoryAsync(Guid id) => system.ListAsync(
        "SELECT event, coalesce(sequence, 0), state_after FROM fulfilment.order_history WHERE order_id = @id ORDER BY id",
        r => (r.GetString(0), r.GetInt32(1), r.GetString(2)),
        ("id", id));

    /// <summary>The cells of a table's rows below its header.</summary>
    private static async Task<List<string[]>> Rows(IPage page, string table)
    {
        var rows = new List<string[]>();
        foreach (var row in (await page.Locator($"{table} tr").AllAsync()).Skip(1))
        {
            rows.Add([.. (await row.Locator("td").AllInnerTextsAsync()).Select(t => t.Trim())]);
        }

        return rows;
    }
}
