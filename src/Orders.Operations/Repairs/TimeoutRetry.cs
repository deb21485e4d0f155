using Npgsql;

namespace Orders.Operations.Repairs;

/// <summary>
/// Makes a timeout whose delivery failed due now, so the processor's clock delivers it on its next poll: a dead one
/// (given up after its attempts) goes back to the pending timeouts through <c>fulfilment.retry_dead_timeout</c> with its
/// attempts reset; a pending one that waits for its lease to end is made due. Delivery stays the clock's: the saga
/// ignores a timeout whose token it no longer holds, so this cannot fire one twice.
/// </summary>
public sealed class TimeoutRetry(NpgsqlDataSource dataSource, ILogger<TimeoutRetry> logger)
{
    public async Task<RepairResult> RetryAsync(Guid orderId, Guid tokenId, CancellationToken cancellationToken)
    {
        await using (var revive = dataSource.CreateCommand(
            "SELECT fulfilment.retry_dead_timeout(token_id) FROM fulfilment.dead_timeout WHERE token_id = @token AND correlation_id = @order"))
        {
            revive.Parameters.AddWithValue("token", tokenId);
            revive.Parameters.AddWithValue("order", orderId);
            if (await revive.ExecuteScalarAsync(cancellationToken) is true)
            {
                Log.TimeoutRetried(logger, tokenId, orderId);
                return RepairResult.Done("The dead timeout is pending again and due now; the processor delivers it on its next poll.");
            }
        }

        await using var command = dataSource.CreateCommand(
            "UPDATE fulfilment.scheduled_timeout SET due_at = now() WHERE token_id = @token AND correlation_id = @order AND last_error IS NOT NULL");
        command.Parameters.AddWithValue("token", tokenId);
        command.Parameters.AddWithValue("order", orderId);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return RepairResult.Refused("Nothing changed: the timeout is not pending with a failed delivery (it was delivered, cancelled or never failed).");
        }

        Log.TimeoutRetried(logger, tokenId, orderId);
        return RepairResult.Done("The timeout is due now; the processor delivers it on its next poll.");
    }
}
