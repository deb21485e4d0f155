using Orders.Api.Idempotency;
using Orders.Contracts;

namespace Orders.Api.Orders;

/// <summary>
/// The input rules of the order endpoints. Each returns the offending fields (JSON paths as the client wrote them)
/// with their messages, or null when the input is valid; nothing is written before this passes.
/// </summary>
internal static class OrderValidation
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 10_000;
    public const int MaxSkuLength = 64;
    public const int MaxReferenceLength = 128;
    public const int MaxCarrierLength = 64;
    public const int MaxTrackingNumberLength = 128;
    public const int MaxReasonLength = 256;
    public const int MaxPageSize = 100;

    /// <summary>The largest amount the numeric(12,2) columns hold.</summary>
    public const decimal MaxAmount = 9_999_999_999.99m;

    public static Dictionary<string, string[]>? Submit(SubmitOrderRequest request, string? idempotencyKey)
    {
        var errors = new Errors();
        errors.Key(idempotencyKey);
        if (request.UserId is not > 0)
        {
            errors.Add("userId", "userId must be a positive number.");
        }

        if (request.Currency is null || !Currencies.IsKnown(request.Currency))
        {
            errors.Add("currency", "currency must be an ISO 4217 code in circulation, in capitals, such as EUR.");
        }

        if (request.Lines is not { Count: > 0 and <= MaxLines } lines)
        {
            errors.Add("lines", $"lines must hold 1 to {MaxLines} lines.");
            return errors.Result;
        }

        var total = 0m;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is not { } line)
            {
                errors.Add($"lines[{i}]", "A line must be an object with sku, quantity and unitPrice.");
                continue;
            }

            errors.Text($"lines[{i}].sku", line.Sku, MaxSkuLength);

            var quantityValid = line.Quantity is >= 1 and <= MaxQuantity;
            if (!quantityValid)
            {
                errors.Add($"lines[{i}].quantity", $"quantity must be 1 to {MaxQuantity}.");
            }

            var priceValid = IsAmount(line.UnitPrice);
            if (!priceValid)
            {
                errors.Add($"lines[{i}].unitPrice", $"unitPrice must be positive, at most {MaxAmount}, with at most two decimals.");
            }

            if (quantityValid && priceValid)
            {
                total += line.Quantity!.Value * line.UnitPrice!.Value;
            }
        }

        if (total > MaxAmount)
        {
            errors.Add("lines", $"The order total must not exceed {MaxAmount}.");
        }

        return errors.Result;
    }

    /// <summary>The lines of a request that passed <see cref="Submit"/>, prices as <see cref="Money"/>.</summary>
    public static IReadOnlyList<OrderLine> Lines(SubmitOrderRequest request) =>
        request.Lines!.Select(line => new OrderLine
        {
            Sku = line!.Sku!,
            Quantity = (int)line.Quantity!.Value,
            UnitPrice = Money(line.UnitPrice!.Value),
        }).ToList();

    /// <summary>
    /// An amount with exactly two decimals (12.5 becomes 12.50), as numeric(12,2) reads back, so that a response, a
    /// later read and the events all write the same number. Adding 0.00m sets the scale to two.
    /// </summary>
    public static decimal Money(decimal amount) => decimal.Round(amount, 2) + 0.00m;

    public static Dictionary<string, string[]>? Payment(
        PaymentRequest request, string? idempotencyKey, string? ifMatch, out OrderPrecondition? precondition)
    {
        var errors = new Errors();
        errors.Key(idempotencyKey);
        precondition = errors.Precondition(ifMatch);
        if (!IsAmount(request.Amount))
        {
            errors.Add("amount", $"amount must be positive, at most {MaxAmount}, with at most two decimals.");
        }

        errors.Text("reference", request.Reference, MaxReferenceLength);
        return errors.Result;
    }

    public static Dictionary<string, string[]>? Shipment(
        ShipmentRequest request, string? idempotencyKey, string? ifMatch, out OrderPrecondition? precondition)
    {
        var errors = new Errors();
        errors.Key(idempotencyKey);
        precondition = errors.Precondition(ifMatch);
        errors.Text("carrier", request.Carrier, MaxCarrierLength);
        errors.Text("trackingNumber", request.TrackingNumber, MaxTrackingNumberLength);
        return errors.Result;
    }

    public static Dictionary<string, string[]>? Delivery(
        string? idempotencyKey, string? ifMatch, out OrderPrecondition? precondition)
    {
        var errors = new Errors();
        errors.Key(idempotencyKey);
        precondition = errors.Precondition(ifMatch);
        return errors.Result;
    }

    public static Dictionary<string, string[]>? Cancellation(
        CancellationRequest request, string? idempotencyKey, string? ifMatch, out OrderPrecondition? precondition)
    {
        var errors = new Errors();
        errors.Key(idempotencyKey);
        precondition = errors.Precondition(ifMatch);
        errors.Text("reason", request.Reason, MaxReasonLength);
        return errors.Result;
    }

    public static Dictionary<string, string[]>? List(
        long? userId, string? status, int? limit, string? after, out OrderStatus? parsedStatus, out OrderCursor? cursor)
    {
        var errors = new Errors();
        parsedStatus = null;
        cursor = null;
        if (userId is not > 0)
        {
            errors.Add("userId", "userId must be a positive number.");
        }

        if (status is not null)
        {
            // Matched by name only: Enum.TryParse would also take numbers and comma-joined names.
            if (Enum.GetValues<OrderStatus>().Where(s => s.ToString().Equals(status, StringComparison.OrdinalIgnoreCase))
                    .Select(s => (OrderStatus?)s).FirstOrDefault() is { } value)
            {
                parsedStatus = value;
            }
            else
            {
                errors.Add("status", $"status must be one of {string.Join(", ", Enum.GetNames<OrderStatus>())}.");
            }
        }

        if (limit is not null and not (>= 1 and <= MaxPageSize))
        {
            errors.Add("limit", $"limit must be 1 to {MaxPageSize}.");
        }

        if (after is not null)
        {
            if (OrderCursor.TryParse(after, out var value))
            {
                cursor = value;
            }
            else
            {
                errors.Add("after", "after must be the next value of a previous page.");
            }
        }

        return errors.Result;
    }

    private static bool IsAmount(decimal? value) =>
        value is > 0 and <= MaxAmount && decimal.Round(value.Value, 2) == value.Value;

    private sealed class Errors
    {
        private Dictionary<string, string[]>? errors;

        public Dictionary<string, string[]>? Result => errors;

        public void Add(string field, string message)
        {
            errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal);
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
        }

        public void Key(string? idempotencyKey)
        {
            if (IdempotencyRequest.Validate(idempotencyKey) is { } message)
            {
                Add(IdempotencyRequest.HeaderName, message);
            }
        }

        public OrderPrecondition? Precondition(string? ifMatch)
        {
            if (ifMatch is null)
            {
                return null;
            }

            if (OrderETag.TryParseIfMatch(ifMatch, out var precondition))
            {
                return precondition;
            }

            Add(OrderETag.IfMatchHeaderName, "If-Match must be * or one or more order entity tags such as \"3\", as sent in ETag.");
            return null;
        }

        /// <summary>
        /// Text that identifies or labels: 1 to <paramref name="maxLength"/> characters, none of them a control
        /// character. PostgreSQL refuses NUL in text and jsonb, and the others have no place in an identifier.
        /// </summary>
        public void Text(string field, string? value, int maxLength)
        {
            var name = field[(field.LastIndexOf('.') + 1)..];
            if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength)
            {
                Add(field, $"{name} must be 1 to {maxLength} characters.");
            }
            else if (value.Any(char.IsControl))
            {
                Add(field, $"{name} must not contain control characters (U+0000-U+001F, U+007F-U+009F).");
            }
        }
    }
}
