namespace Orders.FaultInjection;

/// <summary>
/// The one place the program builds HTTP clients for the API, so whatever every request needs (a bearer token, once
/// the API asks for one) is added here.
/// </summary>
internal static class ApiHttpClient
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public static HttpClient Create(Uri baseAddress) => new() { BaseAddress = baseAddress, Timeout = RequestTimeout };
}
