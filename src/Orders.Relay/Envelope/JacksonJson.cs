using System.Buffers;
using System.Globalization;
using System.Text;

namespace Orders.Relay.Envelope;

/// <summary>
/// Writes JSON text the way Kafka's JsonConverter does through Jackson's UTF8JsonGenerator with default features, so
/// the relay's bytes equal the connector's (connect-format.md §2.5).
/// </summary>
internal static class JacksonJson
{
    // Jackson escapes control characters, the quote and the backslash, and, in UTF-8 output, both halves of a
    // surrogate pair (FasterXML/jackson-core#223); every other character goes out as raw UTF-8.
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\"\\" +
        string.Concat(Enumerable.Range(0xD800, 0x800).Select(c => (char)c)));

    private static readonly byte[] HexDigits = "0123456789ABCDEF"u8.ToArray();

    /// <summary>Writes <paramref name="value"/> as a quoted JSON string.</summary>
    public static void WriteString(IBufferWriter<byte> output, ReadOnlySpan<char> value)
    {
        WriteByte(output, (byte)'"');
        while (!value.IsEmpty)
        {
            var next = value.IndexOfAny(NeedsEscape);
            var plain = next < 0 ? value : value[..next];
            if (!plain.IsEmpty)
            {
                var written = Encoding.UTF8.GetBytes(plain, output.GetSpan(Encoding.UTF8.GetMaxByteCount(plain.Length)));
                output.Advance(written);
            }

            if (next < 0)
            {
                break;
            }

            WriteEscaped(output, value[next]);
            value = value[(next + 1)..];
        }

        WriteByte(output, (byte)'"');
    }

    /// <summary>Writes a double as Java's <c>Double.toString</c> does (what Jackson uses), e.g. 1.0, 1.0E10, 1.0E-4.</summary>
    public static void WriteDouble(IBufferWriter<byte> output, double value)
    {
        // Jackson quotes the non-finite values (WRITE_NAN_AS_STRINGS is on by default).
        var text = double.IsFinite(value) ? JavaDoubleText(value) : "\"" + JavaNonFinite(value) + "\"";
        WriteAscii(output, text);
    }

    public static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }

    public static void WriteByte(IBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static void WriteEscaped(IBufferWriter<byte> output, char c)
    {
        var shortForm = c switch
        {
            '"' => (byte)'"',
            '\\' => (byte)'\\',
            '\b' => (byte)'b',
            '\t' => (byte)'t',
            '\n' => (byte)'n',
            '\f' => (byte)'f',
            '\r' => (byte)'r',
            _ => (byte)0,
        };
        if (shortForm != 0)
        {
            var pair = output.GetSpan(2);
            pair[0] = (byte)'\\';
            pair[1] = shortForm;
            output.Advance(2);
            return;
        }

        var span = output.GetSpan(6);
        span[0] = (byte)'\\';
        span[1] = (byte)'u';
        span[2] = HexDigits[(c >> 12) & 0xF];
        span[3] = HexDigits[(c >> 8) & 0xF];
        span[4] = HexDigits[(c >> 4) & 0xF];
        span[5] = HexDigits[c & 0xF];
        output.Advance(6);
    }

    private static string JavaNonFinite(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    private static string JavaDoubleText(double value)
    {
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // "E16" would not be the shortest form; "R" is, like Java's (JDK 19+) algorithm. Re-shape it into Java's layout:
        // plain notation for 10^-3 <= |v| < 10^7, otherwise d.dddE±n, always with a digit after the point.
        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = roundTrip[0] == '-';
        var unsigned = negative ? roundTrip[1..] : roundTrip;
        var exponentAt = unsigned.IndexOf('E', StringComparison.Ordinal);
        var mantissa = exponentAt < 0 ? unsigned : unsigned[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(unsigned[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var integerDigits = point < 0 ? mantissa.Length : point;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        // value = 0.digits × 10^decimalExponent
        var decimalExponent = integerDigits - leadingZeros + exponent;
        var scientific = decimalExponent - 1;
        var builder = new StringBuilder(negative ? "-" : string.Empty);
        if (scientific is >= -3 and < 7)
        {
            if (decimalExponent <= 0)
            {
                builder.Append("0.").Append('0', -decimalExponent).Append(digits);
            }
            else if (digits.Length <= decimalExponent)
            {
                builder.Append(digits).Append('0', decimalExponent - digits.Length).Append(".0");
            }
            else
            {
                builder.Append(digits, 0, decimalExponent).Append('.').Append(digits, decimalExponent, digits.Length - decimalExponent);
            }
        }
        else
        {
            builder.Append(digits[0]).Append('.').Append(digits.Length > 1 ? digits[1..] : "0")
                .Append('E').Append(scientific.ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
