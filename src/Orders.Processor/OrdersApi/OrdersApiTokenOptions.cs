namespace Orders.Processor.OrdersApi;

/// <summary>
/// The processor's own identity towards the Orders API, section <c>OrdersApi:Token</c>. In production it is an OAuth 2.0
/// client: <see cref="TokenEndpoint"/>, <see cref="ClientId"/> and <see cref="ClientSecret"/> (client credentials
/// grant). In the local run and tests, <see cref="DevelopmentSigningKey"/> (the key the API trusts there) signs the token
/// instead; the processor refuses to start with it in Production.
/// </summary>
public sealed class OrdersApiTokenOptions
{
    public const string SectionName = "OrdersApi:Token";

    /// <summary>The identity provider's token endpoint, e.g. <c>https://login.example.com/oauth2/token</c>.</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>The processor's client id; also its <c>sub</c> in development tokens. Default <c>orders-processor</c>.</summary>
    public string ClientId { get; set; } = "orders-processor";

    /// <summary>The client secret, sent with HTTP Basic authentication; give it through the environment, never a file.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scope asked for. Default <c>orders.cancel.payment-timeout</c>: the processor can do nothing else.</summary>
    public string Scope { get; set; } = "orders.cancel.payment-timeout";

    /// <summary>
    /// The API's audience, sent as <c>audience</c> to providers that need it and put in development tokens. Default
    /// <c>orders-api</c>.
    /// </summary>
    public string Audience { get; set; } = "orders-api";

    /// <summary>A token is replaced this long before it expires, so none expires in flight. Default 1 minute.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The base64 development signing key of the local run and tests; never set in Production.</summary>
    public string? DevelopmentSigningKey { get; set; }
}
