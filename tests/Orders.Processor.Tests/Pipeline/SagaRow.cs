using Npgsql;
using Orders.Testing;

namespace Orders.Processor.Tests.Pipeline;

/// <summary>What a row of <c>fulfilment.order_state</c> says about its order, read with plain SQL.</summary>
internal sealed record SagaRow(
    string State, int LastSequence, int? ExpectedSequence, int? ReceivedSequence, bool RefundRequired, bool CancellationRequested, long Xmin)
{
    public static async Task<IReadOnlyDictionary<Guid, SagaRow>> ReadAllAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT correlation_id, current_state, last_sequence, expected_sequence, received_sequence, refund_required,
                   cancellation_requested_at IS NOT NULL, xmin::text::bigint
            FROM fulfilment.order_state
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<Guid, SagaRow>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetGuid(0)] = new SagaRow(
                reader.GetString(1),
                reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4),
                reader.GetBoolean(5),
                reader.GetBoolean(6),
                reader.GetInt64(7));
        }

        return rows;
    }

    /// <summary>Waits until the saga of every given order is in <paramref name="state"/>, and returns every saga row.</summary>
    public static Task<IReadOnlyDictionary<Guid, SagaRow>> WaitForStateAsync(
        string connectionString, IEnumerable<Guid> orderIds, string state, TimeSpan timeout) =>
        Eventually.HoldsAsync(
            () => ReadAllAsync(connectionString),
            rows => orderIds.All(id => rows.TryGetValue(id, out var row) && row.State == state),
            "every order reaches " + state,
            timeout);
}
