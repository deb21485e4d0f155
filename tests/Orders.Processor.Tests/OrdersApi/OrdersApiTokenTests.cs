using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Orders.Processor.OrdersApi;
using Orders.SystemHost;
using Xunit;

namespace Orders.Processor.Tests.OrdersApi;

/// <summary>The processor's own token on its calls to the Orders API: fetched, cached, refreshed, retried.</summary>
public sealed class OrdersApiTokenTests
{
    private readonly ManualClock clock = new();
    private readonly ConcurrentQueue<string> tokenRequests = new();
    private readonly ConcurrentQueue<string?> apiAuthorizations = new();
    private int issued;

    [Fact]
    public async Task The_token_is_fetched_once_and_reused_until_shortly_before_it_expires()
    {
        using var host = Build(ClientCredentials());
        var api = host.Services.GetRequiredService<OrdersApiClient>();

        await api.RequestCancellationAsync(Guid.NewGuid(), 1, "payment-timeout", CancellationToken.None);
        await api.RequestCancellationAsync(Guid.NewGuid(), 1, "payment-timeout", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(299));
        await api.RequestCancellationAsync(Guid.NewGuid(), 1, "payment-timeout", CancellationToken.None);

        Assert.Single(tokenRequests);
        Assert.Contains("grant_type=client_credentials", tokenRequests.Single(), StringComparison.Ordinal);
        Assert.Contains("scope=orders.cancel.payment-timeout", tokenRequests.Single(), StringComparison.Ordinal);
        Assert.All(apiAuthorizations, a => Assert.Equal("Bearer token-1", a));
    }

    [Fact]
    public async Task A_token_close_to_its_expiry_is_replaced_before_the_next_request()
    {
        using var host = Build(ClientCredentials());
        var api = host.Services.GetRequiredService<OrdersApiClient>();

        await api.RequestCancellationAsync(Guid.NewGuid(), 1, "payment-timeout", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(541));
        await api.RequestCancellationAsync(Guid.NewGuid(), 1, "payment-timeout", CancellationToken.None);

        Assert.Equal(2, tokenRequests.Count);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], apiAuthorizations);
    }

    [Fact]
    public async Task A_refused_token_is_replaced_and_the_cancellation_sent_again()
    {
        using var host = Build(ClientCredentials(), answer: authorization =>
            authorization == "Bearer token-1" ? HttpStatusCode.Unauthorized : HttpStatusCode.OK);
        var api = host.Services.GetRequiredService<OrdersApiClient>();

        var outcome = await api.RequestCancellationAsync(Guid.NewGuid(), 1, "payment-timeout", CancellationToken.None);

        Assert.True(outcome.Accepted);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], apiAuthorizations);
    }

    [Fact]
    public async Task A_cancellation_the_api_keeps_refusing_fails_so_that_it_is_retried_later()
    {
        using var host = Build(ClientCredentials(), answer: _ => HttpStatusCode.Unauthorized);
        var api = host.Services.GetRequiredService<OrdersApiClient>();

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() =>
            api.RequestCancellationAsync(Guid.NewGuid(), 1, "payment-timeout", CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
    }

    [Fact]
    public async Task A_token_endpoint_that_refuses_the_client_fails_the_cancellation_without_calling_the_api()
    {
        using var host = Build(ClientCredentials(), tokenStatus: HttpStatusCode.BadRequest);
        var api = host.Services.GetRequiredService<OrdersApiClient>();

        await Assert.ThrowsAsync<HttpRequestException>(() =>
            api.RequestCancellationAsync(Guid.NewGuid(), 1, "payment-timeout", CancellationToken.None));

        Assert.Empty(apiAuthorizations);
    }

    [Fact]
    public async Task A_development_token_is_signed_with_the_key_and_carries_only_the_payment_timeout_scope()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            ["OrdersApi:Token:DevelopmentSigningKey"] = DevelopmentTokens.CreateRandom().SigningKey,
        });
        var api = host.Services.GetRequiredService<OrdersApiClient>();

        await api.RequestCancellationAsync(Guid.NewGuid(), 1, "payment-timeout", CancellationToken.None);

        var token = new JsonWebToken(apiAuthorizations.Single()!["Bearer ".Length..]);
        Assert.Equal(DevelopmentTokens.Issuer, token.Issuer);
        Assert.Equal([DevelopmentTokens.Audience], token.Audiences);
        Assert.Equal("orders.cancel.payment-timeout", token.GetClaim("scope").Value);
        Assert.Equal("orders-processor", token.Subject);
        Assert.Empty(tokenRequests);
    }

    [Fact]
    public void Production_refuses_the_development_key()
    {
        using var host = Build(
            new Dictionary<string, string?> { ["OrdersApi:Token:DevelopmentSigningKey"] = DevelopmentTokens.CreateRandom().SigningKey },
            environment: "Production");

        var failure = Assert.Throws<OptionsValidationException>(() =>
            host.Services.GetRequiredService<IOptions<OrdersApiTokenOptions>>().Value);
        Assert.Contains("Production", failure.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> ClientCredentials() => new()
    {
        ["OrdersApi:Token:TokenEndpoint"] = "https://login.test/oauth2/token",
        ["OrdersApi:Token:ClientSecret"] = "from-the-environment",
    };

    private IHost Build(
        Dictionary<string, string?> settings,
        Func<string?, HttpStatusCode>? answer = null,
        HttpStatusCode tokenStatus = HttpStatusCode.OK,
        string environment = "Testing")
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OrdersApi:BaseAddress"] = "http://orders-api.test/" });
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddOrdersApiClient();
        builder.Services.AddHttpClient(OrdersApiTokenSource.TokenClientName).ConfigurePrimaryHttpMessageHandler(() => new Stub(async request =>
        {
            tokenRequests.Enqueue(await request.Content!.ReadAsStringAsync());
            var number = Interlocked.Increment(ref issued);
            return new HttpResponseMessage(tokenStatus)
            {
                Content = new StringContent(
                    $$"""{"access_token":"token-{{number}}","token_type":"Bearer","expires_in":600}""", Encoding.UTF8, "application/json"),
            };
        }));
        builder.Services.AddHttpClient<OrdersApiClient>().ConfigurePrimaryHttpMessageHandler(() => new Stub(request =>
        {
            var authorization = request.Headers.Authorization?.ToString();
            apiAuthorizations.Enqueue(authorization);
            return Task.FromResult(new HttpResponseMessage(answer?.Invoke(authorization) ?? HttpStatusCode.OK));
        }));
        return builder.Build();
    }

    private sealed class Stub(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            respond(request);
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
