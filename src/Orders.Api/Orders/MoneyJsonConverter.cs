using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orders.Api.Orders;

/// <summary>
/// Reads an amount from the JSON number as written. <c>decimal</c> keeps only 28-29 digits, so a number with more
/// decimal places than it keeps (25.000000000000000000000000001) would silently become another amount (25.00): it is
/// refused here. Every other amount reaches validation as written, which allows two decimal places. Exponents are
/// refused, so that the digits written are the digits read.
/// </summary>
internal sealed class MoneyJsonConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            throw new JsonException("An amount must be a JSON number.");
        }

        ReadOnlySpan<byte> number = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        if (number.IndexOfAny((byte)'e', (byte)'E') >= 0)
        {
            throw new JsonException("An amount must be written without an exponent, such as 12.50.");
        }

        if (!reader.TryGetDecimal(out var amount))
        {
            throw new JsonException("An amount must fit a decimal.");
        }

        var point = number.IndexOf((byte)'.');
        var written = point < 0 ? 0 : number[(point + 1)..].TrimEnd((byte)'0').Length;
        if (written > DecimalPlaces(amount))
        {
            throw new JsonException("An amount must have at most two decimal places.");
        }

        return amount;
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteNumberValue(value);
    }

    /// <summary>The decimal places of the value, trailing zeros aside.</summary>
    private static int DecimalPlaces(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        var point = text.IndexOf('.', StringComparison.Ordinal);
        return point < 0 ? 0 : text.AsSpan(point + 1).TrimEnd('0').Length;
    }
}
