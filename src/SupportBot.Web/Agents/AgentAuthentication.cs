using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using SupportBot.Web.HelpDesk;

namespace SupportBot.Web.Agents;

/// <summary>
/// The agent console's sign-in: an agent API key, once, for a cookie of its own scheme (only for
/// <c>/agent</c>, HTTP-only, SameSite=Strict) naming the agent; checked against the configured keys
/// on each request, so removing the key signs the agent out. Antiforgery as on <c>/admin</c>.
/// </summary>
public static class AgentAuthentication
{
    public const string Scheme = "Agent";
    public const string Policy = "Agent";
    public const string CookieName = "SupportBot.Agent";

    public static IServiceCollection AddAgentAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddCookie(Scheme, options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.Path = AgentConsole.Root;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.SlidingExpiration = true;
                options.LoginPath = AgentConsole.SignIn;
                options.LogoutPath = AgentConsole.SignOut;

                // A script calling the console's API gets a 401 problem, not the sign-in page's HTML.
                options.Events.OnRedirectToLogin = context =>
                {
                    if (context.Request.Path.StartsWithSegments(AgentConsole.Api))
                    {
                        return TypedResults.Problem(detail: "Sign in to the agent console first.", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context.HttpContext);
                    }

                    context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
                options.Events.OnRedirectToAccessDenied = context =>
                    TypedResults.Problem(detail: "Not an agent.", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context.HttpContext);
                options.Events.OnValidatePrincipal = async context =>
                {
                    var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyRing>();
                    if (context.Principal?.Identity?.Name is not { } agent || !keys.Grants(agent, ApiKeyScope.Agent))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(Scheme);
                    }
                };
            });
        services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IOptions<HelpDeskOptions>>((cookie, helpDesk) => cookie.ExpireTimeSpan = helpDesk.Value.AdminSessionLifetime);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>The signed-in agent: the agent key's name.</summary>
    public static ClaimsPrincipal Principal(string agent) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, agent)], Scheme));
}
