using Confluent.Kafka;
using Npgsql;
using Orders.SystemHost;

namespace Orders.FaultInjection;

/// <summary>
/// What must hold once the pipeline has settled, read from the database, the topic and the processes. Each check
/// names every order that breaks it, so a failing run says where to look.
/// </summary>
internal sealed class PipelineChecks(OrdersSystem system, TopicReader topic, string deadLetterTopic)
{
    private const string PaymentTimeoutReason = "payment-timeout";

    /// <summary>Failed checks, by name; empty when every check passes.</summary>
    public async Task<IReadOnlyDictionary<string, string>> FailuresAsync(IReadOnlyList<ClientOrder> orders, CancellationToken cancellationToken)
    {
        var failures = new SortedDictionary<string, string>();
        await using var connection = new NpgsqlConnection(system.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var rows = await ReadOrdersAsync(connection, cancellationToken);
        var outbox = await ReadOutboxAsync(connection, cancellationToken);
        var sagas = await ReadSagasAsync(connection, cancellationToken);
        var timeouts = await ReadPendingTimeoutsAsync(connection, cancellationToken);
        var byId = orders.ToDictionary(o => o.Id);

        Check(failures, "every acknowledged change is in orders with the expected status", orders.Where(o =>
            !rows.TryGetValue(o.Id, out var row) || row.Status != o.ExpectedStatus || row.Sequence != o.ExpectedSequence
            || (o.Scenario == OrderScenario.PaymentTimedOut && row.CancellationReason != PaymentTimeoutReason)
            || (o.Scenario is OrderScenario.CancelledByCustomer or OrderScenario.CancelledAfterPayment && row.CancellationReason != "customer")),
            o => $"{o.Id} ({o.Scenario}): expected {o.ExpectedStatus}@{o.ExpectedSequence}, found {Describe(rows.GetValueOrDefault(o.Id))}");
        Check(failures, "no order the clients did not submit", rows.Keys.Where(id => !byId.ContainsKey(id)), id => id.ToString());
        Check(failures, "one outbox row per transition, sequences 1..n", orders.Where(o =>
            !outbox.TryGetValue(o.Id, out var events) || events.Count != o.ExpectedSequence
            || !events.Select(e => e.Sequence).Order().SequenceEqual(Enumerable.Range(1, o.ExpectedSequence))),
            o => $"{o.Id}: {Describe(outbox.GetValueOrDefault(o.Id))}");
        Check(failures, "each cancellation exactly once", orders.Where(o =>
            (outbox.GetValueOrDefault(o.Id) ?? []).Count(e => e.Type == "OrderCancelled") != (o.ExpectedStatus == "Cancelled" ? 1 : 0)),
            o => $"{o.Id} ({o.Scenario}): {Describe(outbox.GetValueOrDefault(o.Id))}");
        Check(failures, "every saga row at the order's sequence and in the matching state", orders.Where(o =>
            !sagas.TryGetValue(o.Id, out var saga) || saga.State != o.ExpectedSagaState || saga.LastSequence != o.ExpectedSequence),
            o => $"{o.Id}: expected {o.ExpectedSagaState}@{o.ExpectedSequence}, found {(sagas.TryGetValue(o.Id, out var s) ? $"{s.State}@{s.LastSequence}" : "no saga row")}");
        Check(failures, "no order parked", sagas.Where(s => s.Value.State == "Parked").Select(s => s.Key), id => id.ToString());
        Check(failures, "timeouts consistent: one pending shipment deadline per paid, unshipped order and none otherwise", orders.Where(o =>
            timeouts.GetValueOrDefault(o.Id) != (o.ExpectedSagaState == "AwaitingShipment" ? 1 : 0)),
            o => $"{o.Id} ({o.ExpectedSagaState}): {timeouts.GetValueOrDefault(o.Id)} pending");

        var onTopic = topic.Ids;
        Check(failures, "every outbox row on the topic", outbox.Values.SelectMany(e => e).Where(e => !onTopic.Contains(e.Id)), e => $"outbox row {e.Id}");
        var deadLettered = DeadLetteredRecords();
        if (deadLettered != 0)
        {
            failures["nothing dead-lettered"] = $"{deadLettered} records on {deadLetterTopic}";
        }

        var health = await DeployableHealth.ProblemsAsync(system, cancellationToken);
        if (health.Count > 0)
        {
            failures["every deployable healthy"] = string.Join("; ", health);
        }

        return failures;
    }

    /// <summary>Records on the topic beyond one per outbox row: the relay's at-least-once repeats.</summary>
    public int TopicDuplicates() => topic.Records - topic.Ids.Count;

    private static void Check<T>(SortedDictionary<string, string> failures, string name, IEnumerable<T> offenders, Func<T, string> describe)
    {
        var list = offenders.ToList();
        if (list.Count > 0)
        {
            failures[name] = $"{list.Count} failing, e.g. {string.Join("; ", list.Take(3).Select(describe))}";
        }
    }

    private static string Describe(OrderRow? row) => row is null ? "no row" : $"{row.Status}@{row.Sequence} ({row.CancellationReason})";

    private static string Describe(List<OutboxEvent>? events) =>
        events is null ? "no outbox rows" : string.Join(",", events.Select(e => $"{e.Type}#{e.Sequence}"));

    private long DeadLetteredRecords()
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = system.Kafka.BootstrapServers,
            GroupId = "fault-injection-dead-letters",
        }).SetLogHandler((_, _) => { }).Build();
        return Enumerable.Range(0, 4).Sum(partition =>
        {
            try
            {
                return consumer.QueryWatermarkOffsets(new TopicPartition(deadLetterTopic, partition), TimeSpan.FromSeconds(10)).High.Value;
            }
            catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_UnknownPartition or ErrorCode.UnknownTopicOrPart)
            {
                // Nothing was ever dead-lettered, so the topic was never created.
                return 0;
            }
        });
    }

    private static async Task<Dictionary<Guid, OrderRow>> ReadOrdersAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id, status, sequence, cancellation_reason FROM orders", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<Guid, OrderRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetGuid(0)] = new OrderRow(reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }

        return rows;
    }

    private static async Task<Dictionary<Guid, List<OutboxEvent>>> ReadOutboxAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT aggregate_id, id, type, (payload->>'sequence')::int FROM outbox ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<Guid, List<OutboxEvent>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var orderId = reader.GetGuid(0);
            if (!rows.TryGetValue(orderId, out var events))
            {
                rows[orderId] = events = [];
            }

            events.Add(new OutboxEvent(reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3)));
        }

        return rows;
    }

    private static async Task<Dictionary<Guid, SagaRow>> ReadSagasAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT correlation_id, current_state, last_sequence FROM fulfilment.order_state", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<Guid, SagaRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetGuid(0)] = new SagaRow(reader.GetString(1), reader.GetInt32(2));
        }

        return rows;
    }

    private static async Task<Dictionary<Guid, int>> ReadPendingTimeoutsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT correlation_id, count(*)::int FROM fulfilment.scheduled_timeout GROUP BY correlation_id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new Dictionary<Guid, int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows[reader.GetGuid(0)] = reader.GetInt32(1);
        }

        return rows;
    }

    private sealed record OrderRow(string Status, int Sequence, string? CancellationReason);

    private sealed record OutboxEvent(long Id, string Type, int Sequence);

    private sealed record SagaRow(string State, int LastSequence);
}
