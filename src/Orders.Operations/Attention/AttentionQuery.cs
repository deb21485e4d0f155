using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Operations.Data;

namespace Orders.Operations.Attention;

/// <summary>Reads the parked, stuck and refund-required orders from the saga table.</summary>
public sealed class AttentionQuery(NpgsqlDataSource dataSource, IOptions<OperationsOptions> options)
{
    private const int MaxPerList = 100;

    public async Task<AttentionLists> LoadAsync(CancellationToken cancellationToken)
    {
        var parked = await ListAsync(
            "parked_at", "current_state = 'Parked'",
            "'waits for #' || expected_sequence || ', holds up to #' || received_sequence", cancellationToken);
        var unconfirmed = await ListAsync(
            "cancellation_requested_at",
            "cancellation_requested_at < now() - @grace AND current_state = 'AwaitingPayment'",
            "'cancellation requested, no OrderCancelled yet'", cancellationToken);
        var overdue = await ListAsync("shipment_overdue_at", "current_state = 'ShipmentOverdue'", "'paid, not shipped in time'", cancellationToken);
        var refunds = await ListAsync(
            "updated_at", "refund_required", "'refund ' || refund_amount || ' ' || coalesce(refund_currency, '')", cancellationToken);
        return new AttentionLists(parked, unconfirmed, overdue, refunds);
    }

    private Task<List<AttentionOrder>> ListAsync(string since, string where, string why, CancellationToken cancellationToken) =>
        OperationsDatabase.ListAsync(
            dataSource,
            $"""
            SELECT correlation_id, current_state, last_sequence, coalesce({since}, updated_at), {why}
            FROM fulfilment.order_state WHERE {where} ORDER BY 4 LIMIT {MaxPerList}
            """,
            r => new AttentionOrder(r.GetGuid(0), r.GetString(1), r.GetInt32(2), r.GetFieldValue<DateTimeOffset>(3), r.IsDBNull(4) ? "" : r.GetString(4)),
            cancellationToken,
            ("grace", options.Value.CancellationConfirmationTimeout));
}
