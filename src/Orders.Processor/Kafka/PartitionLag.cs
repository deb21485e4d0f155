namespace Orders.Processor.Kafka;

/// <summary>How many records of one assigned partition wait to be applied.</summary>
public sealed record PartitionLag(int Partition, long Records);
