using System.Text.Json;
using MassTransit;
using MassTransit.Scheduling;
using Npgsql;
using NpgsqlTypes;

namespace Orders.Processor.Scheduling;

/// <summary>
/// MassTransit's scheduling seam for one saga message: scheduling inserts a row into <c>fulfilment.scheduled_timeout</c>
/// and cancelling deletes it, both on the saga's own connection and transaction, so a timeout changes exactly when the
/// saga row commits. Plain row writes take no lock beyond the row itself, so saga transactions that schedule do not
/// wait for each other. Built per message by <see cref="SagaTransactionSchedulerFilter{TSaga}"/>.
/// </summary>
internal sealed class SagaTransactionScheduleMessageProvider(NpgsqlTransaction transaction, Guid correlationId)
    : IScheduleMessageProvider
{
    private const string InsertSql = """
        INSERT INTO fulfilment.scheduled_timeout (token_id, correlation_id, message_type, message, due_at, attempts)
        VALUES ($1, $2, $3, $4, $5, 0)
        """;

    private const string DeleteSql = "DELETE FROM fulfilment.scheduled_timeout WHERE token_id = $1";

    public async Task<ScheduledMessage<T>> ScheduleSend<T>(
        Uri destinationAddress, DateTime scheduledTime, T message, IPipe<SendContext<T>> pipe, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        var tokenId = NewId.NextGuid();
        var dueAt = scheduledTime.Kind == DateTimeKind.Local
            ? new DateTimeOffset(scheduledTime.ToUniversalTime(), TimeSpan.Zero)
            : new DateTimeOffset(DateTime.SpecifyKind(scheduledTime, DateTimeKind.Utc), TimeSpan.Zero);

        await using var command = new NpgsqlCommand(InsertSql, transaction.Connection, transaction)
        {
            Parameters =
            {
                new() { Value = tokenId },
                new() { Value = correlationId },
                new() { Value = typeof(T).FullName! },
                new() { Value = JsonSerializer.Serialize(message), NpgsqlDbType = NpgsqlDbType.Jsonb },
                new() { Value = dueAt },
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new ScheduledMessageHandle<T>(tokenId, scheduledTime, destinationAddress, message);
    }

    public async Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(DeleteSql, transaction.Connection, transaction)
        {
            Parameters = { new() { Value = tokenId } },
        };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) =>
        CancelScheduledSend(tokenId, cancellationToken);
}
