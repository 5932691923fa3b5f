using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    /// <summary>
    /// <c>/api/messages</c>: per IP address here, before authentication; per conversation only once
    /// the request is authenticated (<see cref="ConversationRateLimiter"/>), so a forged request
    /// cannot spend a real conversation's budget.
    /// </summary>
    public const string BotMessages = "bot-messages";

    /// <summary>Admin sign-in attempts: per IP address.</summary>
    public const string AdminSignIn = "admin-signin";

    /// <summary>The agent console's API (<c>/agent/api</c>): per signed-in agent, with the help-desk API's limit.</summary>
    public const string AgentConsole = "agent-console";

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<ConversationRateLimiter>();
        services.AddSingleton<BadApiKeyLimiter>();
        services.AddSingleton<RefusalLog>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(DirectLineCreation, context => FixedWindow(context, o => o.DirectLineCreation, $"ip:{Address(context)}"));
            limiter.AddPolicy(HelpDeskApi, context => FixedWindow(
                context,
                o => o.HelpDeskApi,
                context.Features.Get<ApiKeyCaller>() is { } caller ? $"key:{caller.KeyName}" : $"ip:{Address(context)}"));
            limiter.AddPolicy(AdminSignIn, context => FixedWindow(context, o => o.AdminSignIn, $"ip:{Address(context)}"));
            limiter.AddPolicy(AgentConsole, context => FixedWindow(
                context,
                o => o.HelpDeskApi,
                context.User.Identity?.Name is { } agent ? $"agent:{agent}" : $"ip:{Address(context)}"));
            limiter.AddPolicy(BotMessages, context => LocalCallers.IsOnThisMachine(context)
                ? RateLimitPartition.GetNoLimiter("this-machine")
                : FixedWindow(context, o => o.BotMessagesPerAddress, $"ip:{Address(context)}"));
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    public static IApplicationBuilder UseRateLimits(this IApplicationBuilder app) => app.UseRateLimiter();

    /// <summary>A fixed-window limiter per key, from a limit of the options (a limit of 0: none).</summary>
    public static PartitionedRateLimiter<string> FixedWindowPerKey(RateLimit limit) =>
        PartitionedRateLimiter.Create<string, string>(key => Partition(limit, key));

    private static RateLimitPartition<string> Partition(RateLimit limit, string key) =>
        limit.IsOff
            ? RateLimitPartition.GetNoLimiter(key)
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0 });

    private static RateLimitPartition<string> FixedWindow(HttpContext context, Func<RateLimitOptions, RateLimit> pick, string client) =>
        Partition(pick(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value), client);

    /// <summary>The client's address, the partition of the per-address limits.</summary>
    // Behind a proxy the address is the client's only when the host applies X-Forwarded-For.
    public static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The whole seconds a <c>Retry-After</c> says for a wait: rounded up, at least one.</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>Answers 429 with <c>Retry-After</c> from the refused lease and a ProblemDetails whose detail is <paramref name="reason"/> and when to come back.</summary>
    public static Task WriteTooManyAsync(HttpContext context, RateLimitLease refused, string reason, string? policy = null)
    {
        var retryAfter = refused.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? RetryAfterSeconds(wait) : 1;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var detail = $"{reason}; try again in {retryAfter} s.";
        context.RequestServices.GetRequiredService<RefusalLog>().Refused(context, policy);

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        var problem = new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        };
        if (context.Request.Path.StartsWithSegments(DirectLineUrls.BasePath) || policy == DirectLineCreation)
        {
            problem.ProblemDetails.Extensions["error"] = new Dictionary<string, string> { ["code"] = "TooManyRequests", ["message"] = detail };
        }

        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(problem).AsTask();
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var reason = policy switch
        {
            DirectLineCreation => "Too many tokens or conversations from this address",
            HelpDeskApi => context.Features.Get<ApiKeyCaller>() is null ? "Too many requests from this address" : "Too many requests with this API key",
            AgentConsole => "Too many requests from this agent",
            BotMessages => "Too many requests from this address",
            _ => "Too many requests",
        };
        await WriteTooManyAsync(context, rejected.Lease, reason, policy);
    }
}
