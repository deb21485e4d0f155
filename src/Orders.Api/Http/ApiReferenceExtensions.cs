using Scalar.AspNetCore;

namespace Orders.Api.Http;

public static class ApiReferenceExtensions
{
    /// <summary>Turns the OpenAPI document and Scalar page on or off; default on everywhere but Production.</summary>
    public const string EnabledSetting = "ApiReference:Enabled";

    /// <summary>Registers the OpenAPI document generator (document <c>v1</c>).</summary>
    public static IHostApplicationBuilder AddApiReference(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // No servers list: it would be built from the request's Host header, which any client can set.
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Servers = [];
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>
    /// Serves the OpenAPI document at <c>/openapi/v1.json</c> and the Scalar reference page at <c>/scalar</c>, without a
    /// token, unless <see cref="EnabledSetting"/> is false (its default in Production, where the API's surface is not
    /// advertised unless asked for).
    /// </summary>
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var environment = app.ServiceProvider.GetRequiredService<IHostEnvironment>();
        var configuration = app.ServiceProvider.GetRequiredService<IConfiguration>();
        if (configuration.GetValue(EnabledSetting, !environment.IsProduction()))
        {
            app.MapOpenApi().AllowAnonymous().DisableRateLimiting();
            app.MapScalarApiReference().AllowAnonymous().DisableRateLimiting();
        }

        return app;
    }
}
