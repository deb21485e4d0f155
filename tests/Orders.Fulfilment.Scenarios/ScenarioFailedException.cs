namespace Orders.Fulfilment.Scenarios;

/// <summary>A scenario's expectation did not hold; the message shows what the saga held instead.</summary>
public sealed class ScenarioFailedException : Exception
{
    public ScenarioFailedException()
    {
    }

    public ScenarioFailedException(string message)
        : base(message)
    {
    }

    public ScenarioFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
