namespace Orders.Api.Auth;

/// <summary>
/// The OAuth 2.0 scopes of the order endpoints, one per kind of caller's need. Each is also the name of the
/// authorization policy that demands it, so an endpoint says <c>RequireAuthorization(OrderScopes.Pay)</c>.
/// </summary>
public static class OrderScopes
{
    /// <summary>Submit orders (a storefront).</summary>
    public const string Submit = "orders.submit";

    /// <summary>Read one order or list a customer's orders (a storefront, support tools).</summary>
    public const string Read = "orders.read";

    /// <summary>Cancel an order for any reason (a storefront, on the customer's request).</summary>
    public const string Cancel = "orders.cancel";

    /// <summary>Record a payment (the payment service).</summary>
    public const string Pay = "orders.pay";

    /// <summary>Record shipment and delivery (the warehouse).</summary>
    public const string Fulfil = "orders.fulfil";

    /// <summary>
    /// Cancel an order only with the payment-timeout reason (the processor, when an order's payment deadline passed).
    /// </summary>
    public const string CancelPaymentTimeout = "orders.cancel.payment-timeout";

    /// <summary>Every scope, for the OpenAPI document and the development token command.</summary>
    public static IReadOnlyList<string> All { get; } = [Submit, Read, Cancel, Pay, Fulfil, CancelPaymentTimeout];
}
