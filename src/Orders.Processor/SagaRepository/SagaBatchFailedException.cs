namespace Orders.Processor.SagaRepository;

/// <summary>
/// A message failed inside a saga batch. Its transaction is aborted, so retrying the message in it cannot succeed:
/// the batch rolls back and its messages are applied again one by one. Never transient, whatever it wraps.
/// </summary>
public sealed class SagaBatchFailedException : Exception
{
    public SagaBatchFailedException()
        : this("A message of the saga batch failed; the batch rolls back.")
    {
    }

    public SagaBatchFailedException(string message)
        : base(message)
    {
    }

    public SagaBatchFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
