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
    private const long FailsOnce = 9003;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Database.ExecuteAsync($"""
            CREATE SEQUENCE IF NOT EXISTS fail_once;
            GRANT USAGE ON SEQUENCE fail_once TO orders_api;
            CREATE OR REPLACE FUNCTION fail_outbox_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- nextval is not rolled back, so only the first insert for FailsOnce fails.
                IF NEW.user_id = {FailsOnSubmit}
                    OR (NEW.user_id = {FailsAfterSubmit} AND NEW.type <> 'OrderSubmitted')
                    OR (NEW.user_id = {FailsOnce} AND nextval('fail_once') = 1) THEN
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

    [Fact]
    public async Task A_retry_after_a_failed_transaction_executes_again_because_no_response_was_stored()
    {
        using var failed = await Client.PostAsync("/orders", ApiClient.Submission(FailsOnce), idempotencyKey: "atomic-retry");
        await ApiClient.ReadProblemAsync(failed, HttpStatusCode.InternalServerError);

        using var retry = await Client.PostAsync("/orders", ApiClient.Submission(FailsOnce), idempotencyKey: "atomic-retry");

        var order = await ApiClient.ReadOrderAsync(retry, HttpStatusCode.Created);
        Assert.Equal(1, await Database.CountAsync($"SELECT count(*) FROM orders WHERE user_id = {FailsOnce}"));
        Assert.Equal(["OrderSubmitted"], (await Database.OutboxAsync(order.Id)).Select(r => r.Type));
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
