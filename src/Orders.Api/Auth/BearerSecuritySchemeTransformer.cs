using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orders.Api.Auth;

/// <summary>
/// Declares the bearer scheme in the OpenAPI document and, on each operation that demands a token, the scope its policy
/// requires, so the Scalar page offers a token field and readers see what each call needs.
/// </summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    private const string SchemeName = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An OAuth 2.0 access token for audience orders-api; each operation names the scope it needs: " +
                string.Join(", ", OrderScopes.All) + ".",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return Task.CompletedTask;
        }

        var scopes = metadata.OfType<IAuthorizeData>()
            .Select(a => a.Policy)
            .OfType<string>()
            .SelectMany(policy => policy == AuthExtensions.CancellationPolicy
                ? new[] { OrderScopes.Cancel, OrderScopes.CancelPaymentTimeout }
                : [policy])
            .ToList();
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = scopes,
        });
        operation.Responses ??= [];
        operation.Responses["401"] = new OpenApiResponse { Description = "No token, or one that is expired, for another audience or badly signed" };
        operation.Responses["403"] = new OpenApiResponse { Description = "The token lacks the scope: " + string.Join(" or ", scopes) };
        return Task.CompletedTask;
    }
}
