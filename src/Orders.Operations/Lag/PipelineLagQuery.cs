using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Npgsql;
using Orders.Operations.Data;
using Orders.Operations.Kafka;

namespace Orders.Operations.Lag;

/// <summary>Reads each stage's backlog from PostgreSQL and the processor group's offsets from Kafka.</summary>
public sealed class PipelineLagQuery(NpgsqlDataSource dataSource, KafkaTopics kafka, IOptions<OperationsOptions> options)
{
    public async Task<PipelineLag> LoadAsync(CancellationToken cancellationToken)
    {
        var position = await OperationsDatabase.RelayPositionAsync(dataSource, options.Value.RelayName, cancellationToken);
        var (unpublished, oldest) = (await OperationsDatabase.ListAsync(
            dataSource,
            "SELECT count(*), min(created_at) FROM outbox WHERE transaction_id > @position",
            r => (r.GetInt64(0), r.IsDBNull(1) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(1)),
            cancellationToken,
            ("position", position ?? -1))).Single();
        var (due, oldestDue) = (await OperationsDatabase.ListAsync(
            dataSource,
            "SELECT count(*), min(due_at) FROM fulfilment.scheduled_timeout WHERE due_at < now()",
            r => (r.GetInt64(0), r.IsDBNull(1) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(1)),
            cancellationToken)).Single();

        IReadOnlyList<PartitionLag> partitions = [];
        string? kafkaError = null;
        try
        {
            partitions = await Task.Run(kafka.ConsumerLag, cancellationToken);
        }
        catch (KafkaException exception)
        {
            kafkaError = exception.Error.Reason;
        }

        return new PipelineLag(position, unpublished, oldest, partitions, kafkaError, due, oldestDue);
    }
}
