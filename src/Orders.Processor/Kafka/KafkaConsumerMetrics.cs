using System.Diagnostics.Metrics;

namespace Orders.Processor.Kafka;

/// <summary>The Kafka bridge's instruments on the processor's <c>Orders.Processor</c> meter.</summary>
public sealed class KafkaConsumerMetrics
{
    private readonly Counter<long> applied;
    private readonly Counter<long> deadLettered;
    private readonly Counter<long> retries;
    private readonly Histogram<int> batchSize;
    private readonly Counter<long> batchesRolledBack;
    private readonly Counter<long> workerFaults;
    private readonly Histogram<double> endToEndAge;
    private IReadOnlyList<PartitionLag> lag = [];

    public KafkaConsumerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create("Orders.Processor");
        applied = meter.CreateCounter<long>(
            "orders.kafka.records.applied", "{record}", "Outbox records handed to the saga and completed.");
        deadLettered = meter.CreateCounter<long>(
            "orders.kafka.records.dead_lettered", "{record}", "Outbox records moved to the dead-letter topic.");
        retries = meter.CreateCounter<long>(
            "orders.kafka.records.retries", "{retry}", "Failed attempts at a record that are retried.");
        batchSize = meter.CreateHistogram<int>(
            "orders.kafka.batch.size", "{record}", "Records applied in one committed saga transaction.");
        batchesRolledBack = meter.CreateCounter<long>(
            "orders.kafka.batches.rolled_back", "{batch}", "Saga transactions of a partition's records that rolled back.");
        workerFaults = meter.CreateCounter<long>(
            "orders.kafka.worker.faults", "{fault}", "Partition workers that failed outside a record's apply and were restarted.");
        endToEndAge = meter.CreateHistogram<double>(
            "orders.kafka.records.end_to_end_age", "s", "From the outbox row's created_at to the commit of the saga transaction that applied it.");
        meter.CreateObservableGauge(
            "orders.kafka.consumer.lag",
            () => Volatile.Read(ref lag).Select(p => new Measurement<long>(
                p.Records, new KeyValuePair<string, object?>("messaging.destination.partition.id", p.Partition))),
            "{record}",
            "Records of each assigned partition not yet applied, as of the last commit round.");
    }

    public void RecordApplied() => applied.Add(1);

    public void RecordBatch(int records)
    {
        applied.Add(records);
        batchSize.Record(records);
    }

    public void RecordBatchRolledBack() => batchesRolledBack.Add(1);

    public void RecordDeadLettered(string reason) => deadLettered.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void RecordRetry() => retries.Add(1);

    public void RecordWorkerFault() => workerFaults.Add(1);

    public void RecordEndToEndAge(DateTimeOffset createdAt) =>
        endToEndAge.Record(Math.Max(0, (DateTimeOffset.UtcNow - createdAt).TotalSeconds));

    public void SetLag(IReadOnlyList<PartitionLag> partitions) => Volatile.Write(ref lag, partitions);
}
