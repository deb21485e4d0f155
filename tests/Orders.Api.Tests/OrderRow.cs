namespace Orders.Api.Tests;

public sealed record OrderRow(string Status, int Sequence, decimal Total, DateTimeOffset UpdatedAt);
