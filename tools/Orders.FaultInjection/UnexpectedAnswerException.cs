namespace Orders.FaultInjection;

/// <summary>The API refused a change a well-behaved client made (a 4xx): the run fails.</summary>
internal sealed class UnexpectedAnswerException(string message) : Exception(message);
