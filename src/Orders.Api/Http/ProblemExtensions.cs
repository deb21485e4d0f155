using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Orders.Api.Http;

public static class ProblemExtensions
{
    /// <summary>The largest request body the API reads; an order of 100 lines is far below it.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>
    /// Makes every error an <c>application/problem+json</c> response: unhandled exceptions (500, no details), requests
    /// the framework cannot bind such as malformed JSON (400, with the reason), and bare status codes.
    /// </summary>
    public static IHostApplicationBuilder AddProblemResponses(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            if (context.Exception is BadHttpRequestException badRequest)
            {
                context.ProblemDetails.Status = badRequest.StatusCode;
                // The JSON reader's reason names the member and rule the body broke (a duplicate, an unknown member).
                context.ProblemDetails.Detail = badRequest.InnerException is JsonException json
                    ? $"{badRequest.Message} {json.Message}"
                    : badRequest.Message;
            }
        });

        // Binding failures throw in every environment, so the exception handler turns them into problems with a reason.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<ExceptionHandlerOptions>(options =>
        {
            options.StatusCodeSelector = exception =>
                exception is BadHttpRequestException badRequest ? badRequest.StatusCode : StatusCodes.Status500InternalServerError;
            options.SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException;
        });
        return builder;
    }

    /// <summary>
    /// Adds the exception handler, problem bodies for bare status codes, and the 64 KiB request body limit (413).
    /// </summary>
    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxRequestBodyBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Detail = $"The request body must not exceed {MaxRequestBodyBytes} bytes.",
                    },
                });
                return;
            }

            // A body without Content-Length (chunked) is cut off by the server instead, which throws a 413
            // BadHttpRequestException that the exception handler turns into the same problem.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxRequestBodyBytes;
            }

            await next(context);
        });
    }
}
