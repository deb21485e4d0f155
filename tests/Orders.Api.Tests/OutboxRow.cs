using System.Text.Json;

namespace Orders.Api.Tests;

public sealed record OutboxRow(long UserId, string Type, JsonElement Payload, DateTimeOffset CreatedAt, long TransactionId);
