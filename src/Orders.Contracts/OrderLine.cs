namespace Orders.Contracts;

/// <summary>One line of an order.</summary>
public sealed record OrderLine
{
    /// <summary>Stock keeping unit, 1 to 64 characters.</summary>
    public required string Sku { get; init; }

    /// <summary>How many, 1 to 10,000.</summary>
    public required int Quantity { get; init; }

    /// <summary>Price of one unit in the order's currency, positive, at most two decimals.</summary>
    public required decimal UnitPrice { get; init; }
}
