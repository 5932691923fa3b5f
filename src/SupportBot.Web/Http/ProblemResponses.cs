using Microsoft.AspNetCore.Diagnostics;
using SupportBot.Web.Storage;
using SupportBot.Web.Storage.PostgreSql;

namespace SupportBot.Web.Http;

/// <summary>
/// Every error answer is a ProblemDetails object with a status and a short reason: unknown
/// routes, wrong methods, a 401 from the adapter, and any exception, in every environment. No
/// exception text or stack trace ever reaches a client; the exception goes to the log.
/// </summary>
public static class ProblemResponses
{
    public static IServiceCollection AddProblemResponses(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Detail ??= DefaultDetail(problem.Status, context.HttpContext.Request);
            problem.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ExceptionToProblem>();

        // A body that does not bind (e.g. a number where a string belongs) is a 400 in every
        // environment, raised as an exception that ExceptionToProblem turns into a ProblemDetails.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    // The answers that routing gives on its own (no handler ran), so that they too say what to do.
    private static string? DefaultDetail(int? status, HttpRequest request) => status switch
    {
        StatusCodes.Status401Unauthorized => "The request is not signed by a channel this bot trusts.",
        StatusCodes.Status404NotFound => "No endpoint answers this path; the API is under /api/v1 (see /openapi/v1.json).",
        StatusCodes.Status405MethodNotAllowed => $"This endpoint does not accept {request.Method} requests.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
        _ => null,
    };

    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app) =>
        app.UseExceptionHandler().UseStatusCodePages();

    private sealed class ExceptionToProblem(IProblemDetailsService problems, ILogger<ExceptionToProblem> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, detail) = exception switch
            {
                BadHttpRequestException bad => (bad.StatusCode, BadRequestReason(bad)),
                TimeoutException => (StatusCodes.Status503ServiceUnavailable, "The service is not ready yet (the model is loading); try again shortly."),
                _ when DatabaseOutage.IsOutage(exception) => (StatusCodes.Status503ServiceUnavailable, "The database is not reachable right now; try again shortly."),
                _ => (StatusCodes.Status500InternalServerError, "Something went wrong on our side; the error has been logged."),
            };

            if (status >= 500)
            {
                logger.LogError(exception, "{Method} {Path} failed with {Status}", context.Request.Method, context.Request.Path, status);
            }
            else
            {
                logger.LogInformation("{Method} {Path} refused with {Status}: {Reason}", context.Request.Method, context.Request.Path, status, exception.Message);
            }

            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = "5";
            }

            context.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = status, Detail = detail },
            });
        }

        // The framework's messages name parameters and types; the client gets the gist.
        private static string BadRequestReason(BadHttpRequestException exception) =>
            exception.InnerException is System.Text.Json.JsonException
                ? "The body does not have the expected fields and types."
                : exception.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The body is too large.",
                    StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
                    _ => "The request could not be read.",
                };
    }
}
