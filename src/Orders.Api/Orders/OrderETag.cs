using System.Globalization;

namespace Orders.Api.Orders;

/// <summary>
/// The entity tag of an order: its sequence as a strong tag (<c>"3"</c>). Every change moves the sequence, so the tag
/// names one version of the order exactly, and <c>If-Match</c> with it makes a change conditional on that version.
/// </summary>
internal static class OrderETag
{
    public const string IfMatchHeaderName = "If-Match";

    public static string For(int sequence) => string.Create(CultureInfo.InvariantCulture, $"\"{sequence}\"");

    /// <summary>
    /// Reads an <c>If-Match</c> value: <c>*</c> (any version) or a comma-separated list of our strong tags. Weak tags
    /// never match under If-Match's strong comparison, so they are refused as a client mistake rather than ignored.
    /// </summary>
    public static bool TryParseIfMatch(string value, out OrderPrecondition precondition)
    {
        precondition = OrderPrecondition.AnyVersion;
        if (value.Trim() == "*")
        {
            return true;
        }

        // Empty list elements are allowed by HTTP's list syntax (RFC 9110, 5.6.1) and carry nothing.
        var sequences = new List<int>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.Length < 3 || part[0] != '"' || part[^1] != '"'
                || !int.TryParse(part.AsSpan(1, part.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                return false;
            }

            sequences.Add(sequence);
        }

        precondition = new OrderPrecondition(sequences);
        return sequences.Count > 0;
    }
}
