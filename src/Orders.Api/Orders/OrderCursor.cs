using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Orders.Api.Orders;

/// <summary>
/// The position after which <c>GET /orders</c> continues: the last order's (created_at, id), the key the listing is
/// sorted by. Sent to clients as opaque base64url text so its format can change.
/// </summary>
internal readonly record struct OrderCursor(DateTimeOffset CreatedAt, Guid Id)
{
    public static OrderCursor After(OrderResponse order) => new(order.CreatedAt, order.Id);

    public static bool TryParse(string text, out OrderCursor cursor)
    {
        cursor = default;
        Span<byte> bytes = stackalloc byte[64];
        // TryDecodeFromChars throws on some malformed text (a lone character, NUL) instead of answering false.
        if (!Base64Url.IsValid(text, out var decodedLength) || decodedLength > bytes.Length
            || !Base64Url.TryDecodeFromChars(text, bytes, out var length))
        {
            return false;
        }

        var parts = Encoding.ASCII.GetString(bytes[..length]).Split('_');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks
            || !Guid.TryParseExact(parts[1], "N", out var id))
        {
            return false;
        }

        cursor = new OrderCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }

    public override string ToString() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{CreatedAt.UtcTicks}_{Id:N}")));
}
