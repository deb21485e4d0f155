using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Operations.Data;
using Orders.Operations.Kafka;

namespace Orders.Operations.Repairs;

/// <summary>
/// Resumes a parked order: its saga row goes back to the state it was parked from (from its history) with that state's
/// timeout restored, and its outbox rows after the saga's last applied sequence are sent to the topic again, in sequence
/// order, on the order's partition. The processor then applies them through its normal path, and its sequence gate
/// passes over any it has already applied, so no event is applied twice however often this runs.
/// </summary>
public sealed class ParkedOrderRedrive(
    NpgsqlDataSource dataSource,
    IProducer<byte[], byte[]> producer,
    IOptions<OperationsKafkaOptions> kafka,
    IOptions<FulfilmentTimeouts> timeouts,
    ILogger<ParkedOrderRedrive> logger)
{
    /// <summary>The header that marks a record this command sent, so it can be told apart from the relay's.</summary>
    public const string RedriveHeader = "orders-redrive";

    private const string PaymentTimedOut = "Orders.Processor.Fulfilment.PaymentTimedOut";
    private const string ShipmentTimedOut = "Orders.Processor.Fulfilment.ShipmentTimedOut";

    public async Task<RepairResult> RedriveAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Locked, so a saga transaction of the processor on this order waits for the reset (and then reloads).
        await using var load = new NpgsqlCommand(
            "SELECT current_state, last_sequence, submitted_at, paid_at FROM fulfilment.order_state WHERE correlation_id = @id FOR UPDATE",
            connection, transaction);
        load.Parameters.AddWithValue("id", orderId);
        string state;
        int lastSequence;
        DateTimeOffset? submittedAt, paidAt;
        await using (var reader = await load.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return Refuse(orderId, "the processor has no saga for this order");
            }

            (state, lastSequence) = (reader.GetString(0), reader.GetInt32(1));
            submittedAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
            paidAt = reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3);
        }

        if (state != "Parked")
        {
            return Refuse(orderId, $"the order is {state}, not parked");
        }

        var events = await MissingEventsAsync(connection, transaction, orderId, lastSequence, cancellationToken);
        if (events.Count == 0)
        {
            return Refuse(orderId, $"the outbox holds no event after #{lastSequence}; the missing one was never written");
        }

        var resumeIn = await StateBeforeParkingAsync(connection, transaction, orderId, cancellationToken);
        await ResetAsync(connection, transaction, orderId, resumeIn, submittedAt, paidAt, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        foreach (var row in events)
        {
            await producer.ProduceAsync(kafka.Value.Topic, row, cancellationToken);
        }

        var resumed = resumeIn ?? "a new saga";
        Log.OrderRedriven(logger, orderId, resumed, lastSequence + 1, lastSequence + events.Count);
        return RepairResult.Done(
            $"Resumed in {resumed}; re-sent events #{lastSequence + 1} to #{lastSequence + events.Count} from the outbox.");
    }

    private RepairResult Refuse(Guid orderId, string reason)
    {
        Log.RepairRefused(logger, orderId, reason);
        return RepairResult.Refused($"Nothing changed: {reason}.");
    }

    /// <summary>The state the order had before it was parked; null when its first event parked it.</summary>
    private static async Task<string?> StateBeforeParkingAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT state_after FROM fulfilment.order_history WHERE order_id = @id AND state_after <> 'Parked' ORDER BY id DESC LIMIT 1",
            connection, transaction);
        command.Parameters.AddWithValue("id", orderId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private async Task ResetAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid orderId,
        string? resumeIn,
        DateTimeOffset? submittedAt,
        DateTimeOffset? paidAt,
        CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        if (resumeIn is null)
        {
            // Nothing was applied: the re-sent submission creates the saga again, with its own payment timeout.
            batch.BatchCommands.Add(Command("DELETE FROM fulfilment.order_state WHERE correlation_id = @id", ("id", orderId)));
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        // Parking cancelled the waiting state's timeout; it comes back with its original deadline.
        Guid? paymentToken = resumeIn == "AwaitingPayment" && submittedAt is not null ? Guid.NewGuid() : null;
        Guid? shipmentToken = resumeIn == "AwaitingShipment" && paidAt is not null ? Guid.NewGuid() : null;
        batch.BatchCommands.Add(Command(
            """
            UPDATE fulfilment.order_state
            SET current_state = @state, parked_at = NULL, expected_sequence = NULL, received_sequence = NULL,
                payment_timeout_token_id = @payment, shipment_timeout_token_id = @shipment, updated_at = now()
            WHERE correlation_id = @id
            """,
            ("id", orderId), ("state", resumeIn), ("payment", (object?)paymentToken ?? DBNull.Value), ("shipment", (object?)shipmentToken ?? DBNull.Value)));
        if (paymentToken is { } payment)
        {
            batch.BatchCommands.Add(Timeout(payment, orderId, PaymentTimedOut, submittedAt!.Value + timeouts.Value.PaymentTimeout));
        }

        if (shipmentToken is { } shipment)
        {
            batch.BatchCommands.Add(Timeout(shipment, orderId, ShipmentTimedOut, paidAt!.Value + timeouts.Value.ShipmentTimeout));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The outbox rows after <paramref name="lastSequence"/> as bare-row records (JsonConverter without schemas, which
    /// the processor accepts), keyed by user id on the partition the connector would choose.
    /// </summary>
    private static async Task<List<Message<byte[], byte[]>>> MissingEventsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid orderId, int lastSequence, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT id, user_id, aggregate_id, type, payload::text, created_at, transaction_id
            FROM outbox WHERE aggregate_id = @id AND (payload->>'sequence')::int > @last ORDER BY (payload->>'sequence')::int
            """,
            connection, transaction);
        command.Parameters.AddWithValue("id", orderId);
        command.Parameters.AddWithValue("last", lastSequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<Message<byte[], byte[]>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var userId = reader.GetInt64(1);
            var value = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["id"] = reader.GetInt64(0),
                ["user_id"] = userId,
                ["aggregate_id"] = reader.GetGuid(2).ToString("D"),
                ["type"] = reader.GetString(3),
                ["payload"] = reader.GetString(4),
                ["created_at"] = reader.GetFieldValue<DateTimeOffset>(5).ToUnixTimeMilliseconds(),
                ["transaction_id"] = reader.GetInt64(6),
            });
            messages.Add(new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes(userId.ToString(CultureInfo.InvariantCulture)),
                Value = value,
                Headers = [new Header(RedriveHeader, Encoding.UTF8.GetBytes("true"))],
            });
        }

        return messages;
    }

    private static NpgsqlBatchCommand Timeout(Guid token, Guid orderId, string messageType, DateTimeOffset dueAt) => Command(
        """
        INSERT INTO fulfilment.scheduled_timeout (token_id, correlation_id, message_type, message, due_at, attempts)
        VALUES (@token, @id, @type, @message::jsonb, @due, 0)
        """,
        ("token", token), ("id", orderId), ("type", messageType),
        ("message", JsonSerializer.Serialize(new Dictionary<string, Guid> { ["OrderId"] = orderId })), ("due", dueAt));

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
