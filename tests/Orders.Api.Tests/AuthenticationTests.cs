using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orders.Api.Auth;
using Orders.SystemHost;
using Xunit;

namespace Orders.Api.Tests;

/// <summary>Who may call the API at all: a valid bearer token from the trusted issuer, for the API's audience.</summary>
[Collection(ApiCollectionDefinition.Name)]
public sealed class AuthenticationTests(ApiFixture fixture) : ApiTests(fixture)
{
    public static TheoryData<string> RefusedTokens => new() { "none", "expired", "wrong-audience", "bad-signature", "garbage" };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_submission_without_a_valid_token_gets_a_401_problem_with_www_authenticate_and_writes_nothing(string token)
    {
        using var http = Api.CreateClient();
        var bearer = token switch
        {
            "expired" => Api.Tokens.Mint("late-client", DevelopmentTokens.AllScopes, lifetime: TimeSpan.FromMinutes(-10)),
            "wrong-audience" => Api.Tokens.Mint("other-client", DevelopmentTokens.AllScopes, audience: "billing-api"),
            "bad-signature" => DevelopmentTokens.CreateRandom().Mint("forger", DevelopmentTokens.AllScopes),
            "garbage" => "not-a-jwt",
            _ => null,
        };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var client = new ApiClient(http);
        using var response = await client.PostAsync("/orders", ApiClient.Submission(userId: 4010));

        await ApiClient.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        if (bearer is not null)
        {
            Assert.Contains("invalid_token", challenge.Parameter, StringComparison.Ordinal);
        }

        Assert.Equal(0, await Database.CountAsync("SELECT count(*) FROM orders WHERE user_id = 4010"));
        Assert.Equal(0, await Database.CountAsync("SELECT count(*) FROM outbox WHERE user_id = 4010"));
    }

    [Fact]
    public async Task An_expired_token_is_named_as_expired_in_the_challenge()
    {
        using var http = Api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", Api.Tokens.Mint("late-client", DevelopmentTokens.AllScopes, lifetime: TimeSpan.FromMinutes(-10)));

        using var response = await http.GetAsync($"/orders/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", Assert.Single(response.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/openapi/v1.json")]
    public async Task Health_and_the_api_reference_need_no_token(string path)
    {
        using var http = Api.CreateClient();

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_path_that_does_not_exist_is_not_revealed_without_a_token()
    {
        using var http = Api.CreateClient();

        using var response = await http.GetAsync("/admin");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void The_bearer_scheme_validates_tokens_through_the_validated_token_cache()
    {
        var bearer = Api.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        Assert.IsType<ValidatedTokenCache>(Assert.Single(bearer.TokenHandlers));
    }

    /// <summary>Start-up checks fail before the database is needed, so these APIs are given none.</summary>
    private const string NoDatabase = "Host=127.0.0.1;Port=1;Database=none;Username=orders_api;Password=unused-here;Timeout=2";

    [Fact]
    public async Task Production_refuses_to_start_with_the_development_key()
    {
        await using var api = new OrdersApiFactory(
            NoDatabase, migrateOnStartup: false, settings: new Dictionary<string, string> { ["environment"] = "Production" });

        var failure = Assert.Throws<InvalidOperationException>(() => api.CreateClient());
        Assert.Contains("DevelopmentSigningKey", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_refuses_to_start_without_an_authority_or_a_development_key()
    {
        await using var api = new OrdersApiFactory(
            NoDatabase,
            migrateOnStartup: false,
            settings: new Dictionary<string, string> { ["Authentication:DevelopmentSigningKey"] = "" });

        var failure = Assert.Throws<InvalidOperationException>(() => api.CreateClient());
        Assert.Contains("Authentication:Authority", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_refuses_to_start_with_a_negative_token_cache_duration()
    {
        await using var api = new OrdersApiFactory(
            NoDatabase,
            migrateOnStartup: false,
            settings: new Dictionary<string, string> { ["Authentication:ValidatedTokenCacheDuration"] = "-00:00:01" });

        var failure = Assert.Throws<InvalidOperationException>(() => api.CreateClient());
        Assert.Contains("Authentication:ValidatedTokenCacheDuration", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_production_with_an_authority_the_api_reference_is_not_served()
    {
        await using var api = new OrdersApiFactory(
            NoDatabase,
            migrateOnStartup: false,
            settings: new Dictionary<string, string>
            {
                ["environment"] = "Production",
                ["Authentication:DevelopmentSigningKey"] = "",
                ["Authentication:Authority"] = "https://login.example.test/realms/shop",
            });
        using var http = api.CreateClient();

        using var document = await http.GetAsync("/openapi/v1.json");
        using var page = await http.GetAsync("/scalar");
        using var live = await http.GetAsync("/health/live");

        Assert.NotEqual(HttpStatusCode.OK, document.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
