namespace Orders.Operations;

public static class OperationsPagesExtensions
{
    /// <summary>Registers the server-rendered pages (Razor Pages, antiforgery on every POST) and a readiness check.</summary>
    public static IHostApplicationBuilder AddOperationsPages(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddRazorPages();
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>
    /// Maps the pages and <c>/health/ready</c>. Every page and repair goes through the one convention builder this
    /// returns, so operator authentication is one <c>.RequireAuthorization(policy)</c> on it.
    /// </summary>
    public static PageActionEndpointConventionBuilder MapOperationsPages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/ready");
        return app.MapRazorPages();
    }
}
