using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Operations.Data;
using Orders.Operations.Kafka;

namespace Orders.Operations.Reconcile;

/// <summary>
/// Compares the three records of every order: its <c>outbox</c> rows, the records of the outbox topic (as far as the
/// topic still holds them) and its saga row, and lists each difference.
/// </summary>
public sealed class Reconciliation(
    NpgsqlDataSource dataSource, KafkaTopics kafka, IOptions<OperationsKafkaOptions> kafkaOptions, IOptions<OperationsOptions> options)
{
    public async Task<IReadOnlyList<Finding>> RunAsync(CancellationToken cancellationToken)
    {
        var position = await OperationsDatabase.RelayPositionAsync(dataSource, options.Value.RelayName, cancellationToken);
        var outbox = await OperationsDatabase.ListAsync(
            dataSource,
            "SELECT id, aggregate_id, (payload->>'sequence')::int, transaction_id FROM outbox ORDER BY id",
            r => (Id: r.GetInt64(0), OrderId: r.GetGuid(1), Sequence: r.GetInt32(2), TransactionId: r.GetInt64(3)),
            cancellationToken);
        var sagas = (await OperationsDatabase.ListAsync(
            dataSource,
            "SELECT correlation_id, current_state, last_sequence FROM fulfilment.order_state",
            r => (OrderId: r.GetGuid(0), State: r.GetString(1), LastSequence: r.GetInt32(2)),
            cancellationToken)).ToDictionary(s => s.OrderId);
        var records = await Task.Run(() => kafka.ReadToEnd(kafkaOptions.Value.Topic, null, cancellationToken), cancellationToken);
        var onTopic = records.Select(r => TopicOutboxRecord.TryRead(r.Message.Value)).OfType<TopicOutboxRecord>()
            .GroupBy(r => r.Id).ToDictionary(g => g.Key, g => (Record: g.First(), Count: g.Count()));

        var findings = new List<Finding>();
        foreach (var row in outbox)
        {
            if (!onTopic.TryGetValue(row.Id, out var published))
            {
                findings.Add(position is { } p && row.TransactionId > p
                    ? new Finding(row.OrderId, FindingKind.NotPublished, $"outbox #{row.Id} (sequence {row.Sequence}) is not published yet")
                    : new Finding(row.OrderId, FindingKind.MissingOnTopic, $"outbox #{row.Id} (sequence {row.Sequence}) is not on the topic"));
            }
            else if (published.Count > 1)
            {
                findings.Add(new Finding(row.OrderId, FindingKind.Duplicated, $"outbox #{row.Id} (sequence {row.Sequence}) is on the topic {published.Count} times"));
            }
        }

        var outboxIds = outbox.Select(r => r.Id).ToHashSet();
        findings.AddRange(onTopic.Values.Where(t => !outboxIds.Contains(t.Record.Id)).Select(t => new Finding(
            t.Record.AggregateId, FindingKind.NotInOutbox, $"topic record of outbox #{t.Record.Id} ({t.Record.Type}) has no outbox row")));

        foreach (var order in outbox.GroupBy(r => r.OrderId))
        {
            var latest = order.Max(r => r.Sequence);
            var applied = sagas.TryGetValue(order.Key, out var saga) ? saga.LastSequence : 0;
            if (saga.State == "Parked")
            {
                findings.Add(new Finding(order.Key, FindingKind.Parked, $"the saga is parked after sequence {applied} of {latest}"));
            }
            else if (applied < latest)
            {
                findings.Add(new Finding(order.Key, FindingKind.SagaBehind, $"the saga applied {applied} of {latest} events"));
            }
            else if (applied > latest)
            {
                findings.Add(new Finding(order.Key, FindingKind.SagaAhead, $"the saga applied {applied} events, the outbox holds {latest}"));
            }
        }

        var orders = outbox.Select(r => r.OrderId).ToHashSet();
        findings.AddRange(sagas.Values.Where(s => !orders.Contains(s.OrderId)).Select(s => new Finding(
            s.OrderId, FindingKind.SagaAhead, $"the saga applied {s.LastSequence} events, the outbox holds none")));

        return [.. findings.OrderBy(f => f.OrderId).ThenBy(f => f.Kind)];
    }
}
