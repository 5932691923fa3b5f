using SupportBot.Web.Http;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace SupportBot.Web.Admin;

/// <summary>
/// The admin dashboard's pages: <c>/admin</c> (signed in only; its script and styles are the
/// public <c>wwwroot/admin</c> files, its data the <c>/admin/api</c> endpoints), the sign-in form
/// and sign-out. Not static files, so that nothing of the dashboard is served before sign-in.
/// </summary>
public static class AdminPages
{
    public const string Root = "/admin";
    public const string SignIn = "/admin/signin";
    public const string SignOut = "/admin/signout";
    public const string Api = "/admin/api";

    public static WebApplication MapAdminPages(this WebApplication app)
    {
        app.MapGet(Root, Dashboard).RequireAuthorization(AdminAuthentication.Policy).ExcludeFromDescription();
        app.MapGet(SignIn, (HttpContext context, AdminCredentials credentials, IAntiforgery antiforgery) =>
            credentials.IsConfigured ? SignInPage(context, antiforgery, error: null, StatusCodes.Status200OK) : NotConfiguredPage())
            .ExcludeFromDescription();
        app.MapPost(SignIn, SignInAsync).RequireAntiforgeryToken().RequireRateLimiting(RateLimits.AdminSignIn).ExcludeFromDescription();
        app.MapPost(SignOut, async (HttpContext context) =>
        {
            await context.SignOutAsync(AdminAuthentication.Scheme);
            return Results.Redirect(SignIn);
        }).RequireAntiforgeryToken().ExcludeFromDescription();
        return app;
    }

    private static IResult Dashboard(HttpContext context, IAntiforgery antiforgery) =>
        Html(Page("SupportBot admin", $$"""
            {{Header(context, antiforgery)}}
            <main id="dashboard" data-token="{{Encode(antiforgery.GetAndStoreTokens(context).RequestToken)}}" data-token-header="{{AdminAuthentication.AntiforgeryHeader}}">
              <section>
                <h2>Conversations <select id="days"><option value="7">last 7 days</option><option value="14" selected>last 14 days</option><option value="30">last 30 days</option></select></h2>
                <p id="totals" class="totals"></p>
                <div class="charts">
                  <figure><canvas id="per-day-chart" aria-label="Conversations and questions per day"></canvas></figure>
                  <figure><canvas id="outcomes-chart" aria-label="What became of the questions"></canvas></figure>
                  <figure class="table"><figcaption>Questions per channel</figcaption><table id="channels"><thead><tr><th scope="col">Channel</th><th scope="col">Questions</th><th scope="col">Conversations</th><th scope="col">Share</th></tr></thead><tbody></tbody></table></figure>
                  <figure><canvas id="feedback-chart" aria-label="Did the answer help?"></canvas></figure>
                  <figure><canvas id="top-entries-chart" aria-label="Entries answered most"></canvas></figure>
                </div>
              </section>
              <section>
                <h2>Live handoffs</h2>
                <p id="handoff-totals" class="totals"></p>
                <div class="charts">
                  <figure><canvas id="handoffs-chart" aria-label="Live handoffs per day"></canvas></figure>
                </div>
              </section>
              <section>
                <h2>Unanswered and unhelpful questions</h2>
                <p class="hint">Assign a group to the entry that answers it, or mark it out of scope. The questions are written to training-data/review/ and learnt at the next retraining.</p>
                <p id="review-message" role="status"></p>
                <ol id="review-groups"></ol>
              </section>
              <section>
                <h2>Model</h2>
                <button id="retrain" type="button">Retrain</button>
                <p id="retrain-status" role="status"></p>
              </section>
            </main>
            <script src="/lib/chartjs/chart.umd.min.js"></script>
            <script src="/admin/dashboard.js"></script>
            """));

    private static async Task<IResult> SignInAsync(HttpContext context, AdminCredentials credentials, IAntiforgery antiforgery, ILogger<AdminCredentials> logger)
    {
        if (!credentials.IsConfigured)
        {
            return NotConfiguredPage();
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        if (!credentials.Matches(form?["password"].ToString()))
        {
            logger.LogWarning("Admin sign-in refused from {RemoteAddress}", context.Connection.RemoteIpAddress);
            return SignInPage(context, antiforgery, "That is not the admin password.", StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin")], AdminAuthentication.Scheme);
        await context.SignInAsync(AdminAuthentication.Scheme, new ClaimsPrincipal(identity));
        logger.LogInformation("Admin signed in from {RemoteAddress}", context.Connection.RemoteIpAddress);
        return Results.Redirect(Root);
    }

    private static IResult SignInPage(HttpContext context, IAntiforgery antiforgery, string? error, int status) =>
        Html(
            Page("Sign in: SupportBot admin", $"""
                <main class="signin">
                  <h1>SupportBot admin</h1>
                  <form method="post" action="{SignIn}">
                    {TokenField(context, antiforgery)}
                    <label>Admin password <input id="password" name="password" type="password" autocomplete="current-password" required autofocus></label>
                    <button type="submit">Sign in</button>
                    {(error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{Encode(error)}</p>")}
                  </form>
                </main>
                """),
            status);

    private static IResult NotConfiguredPage() =>
        Html(
            Page("SupportBot admin is not configured", $"""
                <main class="signin">
                  <h1>The admin dashboard is closed</h1>
                  <p>No admin password is configured. Set <code>{AdminCredentials.Setting}</code> (environment variable
                  <code>HelpDesk__AdminPassword</code>, at least 12 characters) and restart the host.</p>
                </main>
                """),
            StatusCodes.Status503ServiceUnavailable);

    /// <summary>The signed-in pages' header: the navigation between them and the sign-out button.</summary>
    internal static string Header(HttpContext context, IAntiforgery antiforgery) => $"""
        <header>
          <h1>SupportBot admin</h1>
          <nav><a href="{Root}">Dashboard</a> <a href="{ConversationPages.Root}">Conversations</a></nav>
          <form method="post" action="{SignOut}">{TokenField(context, antiforgery)}<button type="submit">Sign out</button></form>
        </header>
        """;

    private static string TokenField(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{Encode(tokens.FormFieldName)}\" value=\"{Encode(tokens.RequestToken)}\">";
    }

    internal static string Page(string title, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>{Encode(title)}</title>
          <link rel="stylesheet" href="/admin/admin.css">
        </head>
        <body>
        {body}
        </body>
        </html>
        """;

    internal static IResult Html(string html, int status = StatusCodes.Status200OK) => new NotStoredHtml(html, status);

    /// <summary>An admin page: carries an antiforgery token (and, signed in, the admin's view), so no cache keeps it.</summary>
    private sealed class NotStoredHtml(string html, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.CacheControl = "no-store";
            return Results.Content(html, "text/html; charset=utf-8", statusCode: status).ExecuteAsync(httpContext);
        }
    }

    private static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);
}
