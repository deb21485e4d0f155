using Npgsql;

namespace Orders.Operations.Repairs;

/// <summary>
/// Makes a pending timeout whose last delivery failed due now, so the processor's clock delivers it on its next poll (for a timeout whose
/// deliveries failed and that waits for its lease to end). Delivery stays the clock's: the saga ignores a timeout
/// whose token it no longer holds, so this cannot fire one twice.
/// </summary>
public sealed class TimeoutRetry(NpgsqlDataSource dataSource, ILogger<TimeoutRetry> logger)
{
    public async Task<RepairResult> RetryAsync(Guid orderId, Guid tokenId, CancellationToken cancellationToken)
    {
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
