namespace Orders.Processor.OrdersApi;

/// <summary>Where the Orders API lives, section <c>OrdersApi</c>.</summary>
public sealed class OrdersApiOptions
{
    public const string SectionName = "OrdersApi";

    /// <summary>Base address of the Orders API, e.g. <c>http://orders-api:8080/</c>.</summary>
    public Uri? BaseAddress { get; set; }
}
