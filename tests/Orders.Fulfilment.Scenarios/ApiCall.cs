namespace Orders.Fulfilment.Scenarios;

/// <summary>
/// A request the processor made to the Orders API, as the fake API received it, and the status it answered. Retries
/// of one request by the client's resilience handler arrive as equal calls. <c>IfMatch</c> is the precondition the
/// request carried (the saga's last sequence as an ETag), if any.
/// </summary>
public sealed record ApiCall(Guid OrderId, string Method, string Path, string Body, string? IdempotencyKey, string? IfMatch, int Status);
