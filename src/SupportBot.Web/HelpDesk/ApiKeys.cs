using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SupportBot.Web.Http;

namespace SupportBot.Web.HelpDesk;

/// <summary>
/// Which endpoints a key opens: the ticket API always needs one; the answers and FAQ endpoints only with <c>HelpDesk:RequireApiKeyForFaq</c>
/// (any key but an agent's opens them); erasure only a key whose <c>Scopes</c> list <c>privacy</c>; the agent API only an agent's key.
/// </summary>
public enum ApiKeyScope
{
    /// <summary>The ticket API and the webhook events; what a key with no <c>Scopes</c> listed opens.</summary>
    Tickets,

    /// <summary>Answers and the FAQ: every valid key opens them (when they need a key at all).</summary>
    Faq,

    /// <summary>Conversation transcripts (personal data): only a key that lists <c>conversations</c>.</summary>
    Conversations,

    /// <summary>Erasing a user's data: only a key that lists <c>privacy</c>.</summary>
    Privacy,

    /// <summary>The agent API (live handoff): only a key that lists <c>agent</c>, whose name is the agent's; it opens nothing else.</summary>
    Agent,
}

/// <summary>The scope names of <c>HelpDesk:ApiKeys:N:Scopes</c>, and what a key is granted from them.</summary>
public static class ApiKeyScopes
{
    /// <summary>The values <c>Scopes</c> accepts (case-insensitive); Faq is not one, every key has it.</summary>
    public static readonly IReadOnlyDictionary<string, ApiKeyScope> Names = new Dictionary<string, ApiKeyScope>(StringComparer.OrdinalIgnoreCase)
    {
        ["tickets"] = ApiKeyScope.Tickets,
        ["conversations"] = ApiKeyScope.Conversations,
        ["privacy"] = ApiKeyScope.Privacy,
        ["agent"] = ApiKeyScope.Agent,
    };

    /// <summary>
    /// What a key opens: with no scopes listed, what every key opened before scopes existed (tickets),
    /// never transcripts or erasure, which reach personal data; with scopes listed, exactly those. The FAQ always,
    /// except to an agent's key: a person's key opens the agent API and nothing else (it may not be combined, see the validator).
    /// </summary>
    public static IReadOnlySet<ApiKeyScope> Granted(IReadOnlyCollection<string> scopes)
    {
        var granted = (scopes.Count == 0 ? [ApiKeyScope.Tickets] : scopes.Select(s => Names[s.Trim()])).ToHashSet();
        if (!granted.Contains(ApiKeyScope.Agent))
        {
            granted.Add(ApiKeyScope.Faq);
        }

        return granted;
    }

    /// <summary>The name a scope is configured and reported by.</summary>
    public static string NameOf(ApiKeyScope scope) => scope.ToString().ToLowerInvariant();
}

/// <summary>
/// API keys for the help-desk REST API, in the <c>X-Api-Key</c> header or as
/// <c>Authorization: Bearer</c>. With no keys configured the API is open in Development (a
/// warning says so at start) and refuses with 401 everywhere else: there are no default keys.
/// </summary>
public static class ApiKeys
{
    public const string Header = "X-Api-Key";

    public static IServiceCollection AddApiKeys(this IServiceCollection services) => services.AddSingleton<ApiKeyRing>();

    /// <summary>Marks endpoints as needing a key of that scope, checked by the middleware before the body is read.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, ApiKeyScope scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiKeyRequired(scope));

    /// <summary>Describes the key in the OpenAPI document: an <c>apiKey</c> security scheme, required by the operations that need a key.</summary>
    public static OpenApiOptions AddApiKeySecurityScheme(this OpenApiOptions options)
    {
        const string SchemeId = "ApiKey";
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = Header,
                Description = $"A help-desk API key from {HelpDeskOptions.Section}:{nameof(HelpDeskOptions.ApiKeys)} (or Authorization: Bearer KEY).",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiKeyRequired>().Any(r => r.Scope != ApiKeyScope.Faq))
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, context.Document)] = [] });
            }

            return Task.CompletedTask;
        });
        return options;
    }

    public static WebApplication UseApiKeys(this WebApplication app)
    {
        // Once started: the options are validated by then, so a bad key stops the host with its message first.
        app.Lifetime.ApplicationStarted.Register(() => WarnWhenOpen(app));
        app.UseMiddleware<ApiKeyMiddleware>();
        return app;
    }

    private static void WarnWhenOpen(WebApplication app)
    {
        if (!app.Services.GetRequiredService<ApiKeyRing>().IsEmpty)
        {
            return;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiKeys).FullName!);
        const string Setting = $"{HelpDeskOptions.Section}:{nameof(HelpDeskOptions.ApiKeys)}";
        if (app.Environment.IsDevelopment())
        {
            logger.LogWarning(
                "No {Setting} are configured: in Development the help-desk REST API ({TicketsApi}) is open to anyone who can reach this host. Configure keys before it is reachable from other machines.",
                Setting,
                TicketsApi.Route);
        }
        else
        {
            logger.LogWarning("No {Setting} are configured: the help-desk REST API ({TicketsApi}) answers 401 until keys are configured.", Setting, TicketsApi.Route);
        }
    }

    private sealed record ApiKeyRequired(ApiKeyScope Scope);

    private sealed class ApiKeyMiddleware(
        RequestDelegate next,
        ApiKeyRing keys,
        BadApiKeyLimiter badKeys,
        IOptions<HelpDeskOptions> options,
        IHostEnvironment environment,
        ILogger<ApiKeyRing> logger)
    {
        private const string BearerPrefix = "Bearer ";

        public async Task InvokeAsync(HttpContext context)
        {
            var required = context.GetEndpoint()?.Metadata.GetMetadata<ApiKeyRequired>();
            if (required is null || (required.Scope == ApiKeyScope.Faq && !options.Value.RequireApiKeyForFaq))
            {
                // An open endpoint needs no key, but a valid one presented still names the caller (its rate limit).
                if (required is not null && Presented(context.Request) is { } offered && keys.Find(offered) is { } caller)
                {
                    context.Features.Set(new ApiKeyCaller(caller.Name));
                }

                await next(context);
                return;
            }

            if (keys.IsEmpty)
            {
                // Erasure deletes data: never open without a key, not even in Development; an agent is known only by a key's name.
                if (environment.IsDevelopment() && required.Scope is not (ApiKeyScope.Privacy or ApiKeyScope.Agent))
                {
                    await next(context);
                    return;
                }

                await RefuseAsync(context, $"The help-desk API is closed: no API keys are configured ({HelpDeskOptions.Section}:{nameof(HelpDeskOptions.ApiKeys)}).");
                return;
            }

            var presented = Presented(context.Request);
            if (presented is null)
            {
                await RefuseAsync(context, $"Send a help-desk API key in the {Header} header or as Authorization: Bearer.");
                return;
            }

            // Checked before the key, so that past the limit a guess tells nothing, right or wrong.
            using (var blocked = badKeys.Blocked(context))
            {
                if (blocked is not null)
                {
                    await RateLimits.WriteTooManyAsync(context, blocked, "Too many wrong API keys from this address", nameof(RateLimitOptions.BadApiKeys));
                    return;
                }
            }

            var key = keys.Find(presented);
            if (key is null)
            {
                using var counted = badKeys.CountBadKey(context);
                await (counted.IsAcquired
                    ? RefuseAsync(context, "The API key is not valid.")
                    : RateLimits.WriteTooManyAsync(context, counted, "Too many wrong API keys from this address", nameof(RateLimitOptions.BadApiKeys)));
                return;
            }

            // A right key for another purpose: 403, not counted as a wrong key, its name logged.
            if (!key.Scopes.Contains(required.Scope))
            {
                var scope = ApiKeyScopes.NameOf(required.Scope);
                logger.LogInformation("{Method} {Path} refused with 403: the API key {ApiKey} lacks the {Scope} scope", context.Request.Method, context.Request.Path, key.Name, scope);
                await TypedResults.Problem(
                    detail: $"This API key does not have the '{scope}' scope ({HelpDeskOptions.Section}:{nameof(HelpDeskOptions.ApiKeys)}:N:{nameof(ApiKeyOptions.Scopes)}).",
                    statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
                return;
            }

            context.Features.Set(new ApiKeyCaller(key.Name));
            using (logger.BeginScope(new Dictionary<string, object> { ["ApiKey"] = key.Name }))
            {
                await next(context);
            }
        }

        private static string? Presented(HttpRequest request)
        {
            if (request.Headers.TryGetValue(Header, out var header) && !string.IsNullOrEmpty(header.ToString()))
            {
                return header.ToString();
            }

            var authorization = request.Headers.Authorization.ToString();
            return authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && authorization.Length > BearerPrefix.Length
                ? authorization[BearerPrefix.Length..].Trim()
                : null;
        }

        private Task RefuseAsync(HttpContext context, string detail)
        {
            logger.LogInformation("{Method} {Path} refused with 401: {Reason}", context.Request.Method, context.Request.Path, detail);
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
        }
    }
}

/// <summary>The name of the valid API key a request presented (a request feature), for the rate limiter.</summary>
public sealed record ApiKeyCaller(string KeyName);

/// <summary>A configured key as the ring knows it: its name and what it opens.</summary>
public sealed record ApiKeyGrant(string Name, IReadOnlySet<ApiKeyScope> Scopes);

/// <summary>The configured API keys, kept only as SHA-256 hashes and compared in constant time.</summary>
public sealed class ApiKeyRing(IOptions<HelpDeskOptions> options)
{
    private readonly (ApiKeyGrant Grant, byte[] Hash)[] _keys =
        options.Value.ApiKeys.Select(k => (new ApiKeyGrant(k.Name, ApiKeyScopes.Granted(k.Scopes)), Hash(k.Key))).ToArray();

    public bool IsEmpty => _keys.Length == 0;

    /// <summary>Whether a configured key of that name grants the scope (a signed-in agent whose key was removed is signed out).</summary>
    public bool Grants(string name, ApiKeyScope scope) =>
        _keys.Any(k => string.Equals(k.Grant.Name, name, StringComparison.Ordinal) && k.Grant.Scopes.Contains(scope));

    /// <summary>The name of the key presented, or null.</summary>
    public string? Match(string presented) => Find(presented)?.Name;

    /// <summary>The key presented, or null. Comparing hashes of equal length, every key each time, the time taken says nothing about any key.</summary>
    public ApiKeyGrant? Find(string presented)
    {
        var hash = Hash(presented);
        ApiKeyGrant? match = null;
        foreach (var (grant, key) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key))
            {
                match ??= grant;
            }
        }

        return match;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
