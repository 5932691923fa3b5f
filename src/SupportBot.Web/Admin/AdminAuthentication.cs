using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using SupportBot.Web.HelpDesk;

namespace SupportBot.Web.Admin;

/// <summary>
/// The admin dashboard's sign-in: a cookie of its own scheme (only for <c>/admin</c>, HTTP-only,
/// SameSite=Strict) after the admin password, and antiforgery tokens on every form post and API
/// call that changes something. Help-desk API keys open nothing here.
/// </summary>
public static class AdminAuthentication
{
    public const string Scheme = "Admin";
    public const string Policy = "Admin";
    public const string CookieName = "SupportBot.Admin";
    public const string AntiforgeryHeader = "X-CSRF-Token";

    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<AdminCredentials>();
        services.AddAntiforgery(options =>
        {
            options.HeaderName = AntiforgeryHeader;
            options.Cookie.Name = "SupportBot.Admin.Antiforgery";

            // The whole site: the agent console (/agent) posts with the same tokens; each is bound to its page's signed-in user.
            options.Cookie.Path = "/";
        });
        // The default scheme, named: with the agent console's scheme beside it there is no implicit
        // one, and the admin's sign-out and sign-in posts (open endpoints) check tokens bound to the admin.
        services.AddAuthentication(Scheme)
            .AddCookie(Scheme, options =>
            {
                options.Cookie.Name = CookieName;
                options.Cookie.Path = AdminPages.Root;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.SlidingExpiration = true;
                options.LoginPath = AdminPages.SignIn;
                options.LogoutPath = AdminPages.SignOut;

                // A script calling the API gets a 401 problem, not the sign-in page's HTML.
                options.Events.OnRedirectToLogin = context => IsApi(context.Request)
                    ? TypedResults.Problem(detail: "Sign in to the admin dashboard first.", statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context.HttpContext)
                    : Redirect(context);
                options.Events.OnRedirectToAccessDenied = context =>
                    TypedResults.Problem(detail: "Not an admin.", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context.HttpContext);
            });
        services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IOptions<HelpDeskOptions>>((cookie, helpDesk) => cookie.ExpireTimeSpan = helpDesk.Value.AdminSessionLifetime);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return services;
    }

    public static WebApplication UseAdminAuthentication(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() => LogPasswordState(app));
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Refuses a POST without a valid antiforgery token (form field or <see cref="AntiforgeryHeader"/>) with a 400 problem.</summary>
    public static TBuilder RequireAntiforgeryToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method) && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            {
                return TypedResults.Problem(
                    detail: $"The antiforgery token is missing or not valid: reload the page and try again (scripts send it in the {AntiforgeryHeader} header).",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            return await next(context);
        });

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments(AdminPages.Api);

    private static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static void LogPasswordState(WebApplication app)
    {
        var credentials = app.Services.GetRequiredService<AdminCredentials>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminAuthentication).FullName!);
        if (credentials.GeneratedPassword is { } password)
        {
            logger.LogWarning(
                "No {Setting} is configured: the admin dashboard ({AdminPath}) takes this one-time password until the host stops: {AdminPassword}. Configure one before the host is reachable from other machines.",
                AdminCredentials.Setting,
                AdminPages.Root,
                password);
        }
        else if (!credentials.IsConfigured)
        {
            logger.LogWarning("No {Setting} is configured: the admin dashboard ({AdminPath}) is closed until one is.", AdminCredentials.Setting, AdminPages.Root);
        }
    }
}
