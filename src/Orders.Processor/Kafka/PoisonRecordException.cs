namespace Orders.Processor.Kafka;

/// <summary>
/// A record that can never be applied, however often it is retried; it goes to the dead-letter topic with
/// <see cref="Reason"/> in its <c>dlq-reason</c> header.
/// </summary>
public sealed class PoisonRecordException : Exception
{
    public PoisonRecordException()
        : this("invalid-record", "The record cannot be decoded.")
    {
    }

    public PoisonRecordException(string message)
        : this("invalid-record", message)
    {
    }

    public PoisonRecordException(string message, Exception innerException)
        : this("invalid-record", message, innerException)
    {
    }

    public PoisonRecordException(string reason, string message, Exception? innerException = null)
        : base(message, innerException) => Reason = reason;

    /// <summary>A short, stable code: malformed-json, missing-field, unknown-type, id-mismatch, ...</summary>
    public string Reason { get; }
}
