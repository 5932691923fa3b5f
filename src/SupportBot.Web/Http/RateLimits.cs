using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Configuration;
using SupportBot.Web.HelpDesk;

namespace SupportBot.Web.Http;

/// <summary>
/// ASP.NET Core's rate limiter on the public endpoints, one policy each, from <c>RateLimits:*</c>.
/// A refusal is a 429 ProblemDetails with <c>Retry-After</c>; on the Direct Line it also carries
/// Direct Line's <c>{"error": {"code": "TooManyRequests"}}</c>, which its clients read.
/// </summary>
public static class RateLimits
{
    /// <summary>Direct Line token and conversation creation and the Web Chat token: per IP address.</summary>
    public const string DirectLineCreation = "directline-creation";

    /// <summary>The help-desk REST API: per API key, else per IP address.</summary>
    public const string HelpDeskApi = "helpdesk-api";

    /// <summary><c>/api/messages</c>: per conversation in the activity, never per IP address (channels share a few).</summary>
    public const string BotMessages = "bot-messages";

    /// <summary>Admin sign-in attempts: per IP address.</summary>
    public const string AdminSignIn = "admin-signin";

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(DirectLineCreation, context => FixedWindow(context, o => o.DirectLineCreation, $"ip:{Address(context)}"));
            limiter.AddPolicy(HelpDeskApi, context => FixedWindow(
                context,
                o => o.HelpDeskApi,
                context.Features.Get<ApiKeyCaller>() is { } caller ? $"key:{caller.KeyName}" : $"ip:{Address(context)}"));
            limiter.AddPolicy(AdminSignIn, context => FixedWindow(context, o => o.AdminSignIn, $"ip:{Address(context)}"));
            limiter.AddPolicy(BotMessages, context => Conversation(context) is { } conversation
                ? FixedWindow(context, o => o.BotMessages, $"conversation:{conversation}")

                // Not an activity: the endpoint's shape check answers 400 without running a turn.
                : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    private static RateLimitPartition<string> FixedWindow(HttpContext context, Func<RateLimitOptions, RateLimit> pick, string client)
    {
        var limit = pick(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
        return limit.IsOff
            ? RateLimitPartition.GetNoLimiter(client)
            : RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0 });
    }

    // Behind a proxy the address is the client's only when the host applies X-Forwarded-For.
    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    // The body was read and parsed by the JSON body checks, which run before the limiter.
    private static string? Conversation(HttpContext context)
    {
        if (context.Features.Get<JsonBodyFeature>()?.Root is not { ValueKind: JsonValueKind.Object } activity
            || !activity.TryGetProperty("conversation", out var conversation)
            || conversation.ValueKind != JsonValueKind.Object
            || !conversation.TryGetProperty("id", out var id)
            || id.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var channel = activity.TryGetProperty("channelId", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        return $"{channel}/{id.GetString()}";
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 1;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);

        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var detail = policy switch
        {
            DirectLineCreation => "Too many tokens or conversations from this address",
            HelpDeskApi => context.Features.Get<ApiKeyCaller>() is null ? "Too many requests from this address" : "Too many requests with this API key",
            BotMessages => "Too many activities in this conversation",
            _ => "Too many requests",
        };
        detail = $"{detail}; try again in {retryAfter} s.";
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits).FullName!)
            .LogWarning("Refused {Method} {Path} from {RemoteAddress} with 429 ({RateLimitPolicy})", context.Request.Method, context.Request.Path, context.Connection.RemoteIpAddress, policy);

        var problem = new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        };
        if (context.Request.Path.StartsWithSegments(DirectLineUrls.BasePath) || policy == DirectLineCreation)
        {
            problem.ProblemDetails.Extensions["error"] = new Dictionary<string, string> { ["code"] = "TooManyRequests", ["message"] = detail };
        }

        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(problem);
    }
}
