using System.Net;
using Orders.Api.Orders;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>
/// A trigger makes the outbox insert fail for two user ids; the order change of the same transaction must be gone too.
/// </summary>
[Collection(ApiCollectionDefinition.Name)]
public sealed class AtomicityTests(ApiFixture fixture) : ApiTests(fixture)
{
    private const long FailsOnSubmit = 9001;
    private const long FailsAfterSubmit = 9002;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Database.ExecuteAsync($"""
            CREATE OR REPLACE FUNCTION fail_outbox_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.user_id = {FailsOnSubmit} OR (NEW.user_id = {FailsAfterSubmit} AND NEW.type <> 'OrderSubmitted') THEN
                    RAISE EXCEPTION 'outbox insert refused by test';
                END IF;
                RETURN NEW;
            END $$;
            CREATE OR REPLACE TRIGGER fail_outbox_insert BEFORE INSERT ON outbox
                FOR EACH ROW EXECUTE FUNCTION fail_outbox_insert();
            """);
    }

    [Fact]
    public async Task A_failed_outbox_insert_on_submit_is_a_500_problem_and_leaves_no_order()
    {
        using var response = await Client.PostAsync("/orders", ApiClient.Submission(FailsOnSubmit), idempotencyKey: "atomic-submit");

        var problem = await ApiClient.ReadProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.False(problem.TryGetProperty("detail", out _));
        Assert.Equal(0, await Database.CountAsync($"SELECT count(*) FROM orders WHERE user_id = {FailsOnSubmit}"));
        Assert.Equal(0, await Database.CountAsync($"SELECT count(*) FROM outbox WHERE user_id = {FailsOnSubmit}"));
        Assert.Equal(0, await Database.CountAsync("SELECT count(*) FROM idempotency_keys WHERE key = 'atomic-submit'"));
    }

    [Theory]
    [InlineData("payment")]
    [InlineData("cancellation")]
    public async Task A_failed_outbox_insert_on_a_status_change_is_a_500_problem_and_keeps_the_order_as_it_was(string change)
    {
        var order = await Client.SubmitOrderAsync(FailsAfterSubmit);
        object body = change == "payment" ? new { amount = order.Total, reference = "psp" } : new { reason = "r" };

        using var response = await Client.PostAsync($"/orders/{order.Id}/{change}", body, idempotencyKey: "atomic-" + order.Id);

        await ApiClient.ReadProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.Equal(new OrderRow(nameof(OrderStatus.Submitted), 1, order.Total, order.UpdatedAt), await Database.OrderAsync(order.Id));
        Assert.Equal(["OrderSubmitted"], (await Database.OutboxAsync(order.Id)).Select(r => r.Type));
        Assert.Equal(0, await Database.CountAsync($"SELECT count(*) FROM idempotency_keys WHERE key = 'atomic-{order.Id}'"));
    }
}
