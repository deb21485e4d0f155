using Scalar.AspNetCore;

namespace Orders.Api.Http;

public static class ApiReferenceExtensions
{
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

    /// <summary>Serves the OpenAPI document at <c>/openapi/v1.json</c> and the Scalar reference page at <c>/scalar</c>.</summary>
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }
}
