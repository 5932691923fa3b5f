using System.Globalization;
using System.Text.Json.Serialization;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>Direct Line's error body, <c>{"error": {"code", "message"}}</c>, with the status and code the DL 3.0 reference uses.</summary>
public static class DirectLineErrors
{
    public static IResult BadArgument(string message) => Result(StatusCodes.Status400BadRequest, "BadArgument", message);

    public static IResult Unauthorized(string message) => Result(StatusCodes.Status401Unauthorized, "Unauthorized", message);

    public static IResult Forbidden(string message) => Result(StatusCodes.Status403Forbidden, "Forbidden", message);

    public static IResult TokenExpired() => Result(StatusCodes.Status403Forbidden, "TokenExpired", "The token has expired; get a new one.");

    /// <summary>A refresh or reconnect after the conversation's tokens reached <c>DirectLine:MaxTokenAge</c>.</summary>
    public static IResult TokenLifeOver() =>
        Result(StatusCodes.Status403Forbidden, "TokenExpired", "This conversation's tokens have reached their longest life (DirectLine:MaxTokenAge); start a new conversation.");

    /// <summary>
    /// 429 as the host's rate limiter answers it: a ProblemDetails with <c>Retry-After</c>, carrying
    /// Direct Line's <c>{"error": {"code": "TooManyRequests"}}</c>, which its clients read.
    /// </summary>
    public static IResult TooManyRequests(string detail, TimeSpan retryAfter) => new TooManyRequestsResult(detail, retryAfter);

    public static IResult ConversationNotFound(string conversationId) =>
        Result(StatusCodes.Status404NotFound, "NotFound", $"There is no conversation '{conversationId}'.");

    public static IResult BotError() =>
        Result(StatusCodes.Status502BadGateway, "BotError", "The bot failed to process the activity.");

    public static IResult Result(int status, string code, string message) =>
        TypedResults.Json(new ErrorResponse(new Error(code, message)), statusCode: status);

    /// <summary>Writes an error without an endpoint result (middleware: rate limiting, body checks).</summary>
    public static Task WriteAsync(HttpContext context, int status, string message) =>
        Result(status, CodeFor(status), message).ExecuteAsync(context);

    private static string CodeFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "BadArgument",
        StatusCodes.Status413PayloadTooLarge => "MessageSizeTooBig",
        StatusCodes.Status415UnsupportedMediaType => "BadArgument",
        StatusCodes.Status429TooManyRequests => "TooManyRequests",
        _ => "ServiceError",
    };

    private sealed class TooManyRequestsResult(string detail, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            var seconds = RateLimits.RetryAfterSeconds(retryAfter);
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var message = $"{detail}; try again in {seconds} s.";
            return TypedResults.Problem(
                detail: message,
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many requests",
                extensions: new Dictionary<string, object?> { ["error"] = new Error(CodeFor(StatusCodes.Status429TooManyRequests), message) }).ExecuteAsync(context);
        }
    }

    private sealed record ErrorResponse([property: JsonPropertyName("error")] Error Error);

    private sealed record Error([property: JsonPropertyName("code")] string Code, [property: JsonPropertyName("message")] string Message);
}
