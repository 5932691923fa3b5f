using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Storage;
using SupportBot.Core.Answers;
using SupportBot.Web.Admin;
using SupportBot.Web.HelpDesk;
using SupportBot.Web.Http;

namespace SupportBot.Web.Agents;

/// <summary>
/// The agent console (<c>/agent</c>): sign-in with an agent API key, then one page (its script
/// and styles the public <c>wwwroot/agent</c> files) over <c>/agent/api</c>, the agent API's
/// handlers behind the console's cookie and antiforgery token, plus what only a person reads: the
/// conversation before the handoff (the bot's answers too) and the FAQ's suggested answers.
/// </summary>
public static class AgentConsole
{
    public const string Root = "/agent";
    public const string SignIn = "/agent/signin";
    public const string SignOut = "/agent/signout";
    public const string Api = "/agent/api";

    /// <summary>The most messages of the conversation before the handoff the console shows.</summary>
    public const int MaxConversationLines = 200;

    public static WebApplication MapAgentConsole(this WebApplication app)
    {
        app.MapGet(Root, Console).RequireAuthorization(AgentAuthentication.Policy).ExcludeFromDescription();
        app.MapGet(SignIn, (HttpContext context, IAntiforgery antiforgery) => SignInPage(context, antiforgery, error: null, StatusCodes.Status200OK))
            .ExcludeFromDescription();
        app.MapPost(SignIn, SignInAsync).RequireAntiforgeryToken().RequireRateLimiting(RateLimits.AdminSignIn).ExcludeFromDescription();
        app.MapPost(SignOut, SignOutAsync).RequireAuthorization(AgentAuthentication.Policy).RequireAntiforgeryToken().ExcludeFromDescription();

        var agents = ConsoleGroup(app, Api + "/agents");
        var handoffs = ConsoleGroup(app, Api + "/handoffs");
        AgentEndpoints.MapHandlers(agents, handoffs, names: "AgentConsole");
        handoffs.MapGet("/{id}/conversation", ConversationAsync);
        handoffs.MapGet("/{id}/suggestions", SuggestAsync);

        // Leaving the page: navigator.sendBeacon posts the form token (a beacon sends no headers).
        agents.MapPost("/me/offline", async (HttpContext context, AgentDesk desk) =>
        {
            await desk.SetPresenceAsync(AgentEndpoints.AgentOf(context), AgentStatus.Offline, context.RequestAborted);
            return TypedResults.NoContent();
        });
        return app;
    }

    private static RouteGroupBuilder ConsoleGroup(WebApplication app, string route)
    {
        var group = app.MapGroup(route)
            .RequireAuthorization(AgentAuthentication.Policy)
            .RequireAntiforgeryToken()
            .RequireRateLimiting(RateLimits.AgentConsole)
            .ExcludeFromDescription();
        group.TouchPresence();
        return group;
    }

    private static IResult Console(HttpContext context, IAntiforgery antiforgery)
    {
        var agent = AgentEndpoints.AgentOf(context);
        var tokens = antiforgery.GetAndStoreTokens(context);
        return AdminPages.Html(Page("SupportBot agent console", $$"""
            <header>
              <h1>SupportBot agents</h1>
              <p class="who">Signed in as <strong id="agent-name">{{Encode(agent)}}</strong></p>
              <label>Presence <select id="presence"><option value="online">online</option><option value="away">away</option><option value="offline">offline</option></select></label>
              <form method="post" action="{{SignOut}}">{{TokenField(tokens)}}<button type="submit">Sign out</button></form>
            </header>
            <main id="console" data-token="{{Encode(tokens.RequestToken)}}" data-token-header="{{AdminAuthentication.AntiforgeryHeader}}" data-token-field="{{Encode(tokens.FormFieldName)}}">
              <p id="console-message" role="status"></p>
              <div class="desk">
                <section class="queue">
                  <h2>Waiting</h2>
                  <ol id="waiting"></ol>
                  <h2>Yours</h2>
                  <ol id="active"></ol>
                </section>
                <section id="handoff" class="handoff" hidden>
                  <h2 id="handoff-title"></h2>
                  <div id="handoff-actions">
                    <button id="accept" type="button">Accept</button>
                    <button id="transfer" type="button">Transfer back to the bot</button>
                    <button id="end" type="button">End</button>
                  </div>
                  <h3>Before the handoff</h3>
                  <ol id="history" class="transcript"></ol>
                  <h3>Live</h3>
                  <ol id="live" class="transcript" aria-live="polite"></ol>
                  <p id="typing" class="hint" hidden>The user is typing…</p>
                  <form id="reply">
                    <label for="reply-text">Reply</label>
                    <textarea id="reply-text" rows="3"></textarea>
                    <button id="send" type="submit">Send</button>
                  </form>
                  <h3>Suggested answers</h3>
                  <p id="suggestions-for" class="hint"></p>
                  <ol id="suggestions"></ol>
                </section>
              </div>
            </main>
            <script src="/agent/agent.js"></script>
            """));
    }

    private static async Task<IResult> SignInAsync(HttpContext context, ApiKeyRing keys, IAntiforgery antiforgery, ILogger<AgentDesk> logger)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
        var presented = form?["key"].ToString();
        var key = string.IsNullOrEmpty(presented) ? null : keys.Find(presented);
        if (key is null || !key.Scopes.Contains(ApiKeyScope.Agent))
        {
            logger.LogWarning("Agent sign-in refused from {RemoteAddress}", context.Connection.RemoteIpAddress);
            return SignInPage(context, antiforgery, "That is not an agent key.", StatusCodes.Status401Unauthorized);
        }

        await context.SignInAsync(AgentAuthentication.Scheme, AgentAuthentication.Principal(key.Name));
        logger.LogInformation("Agent {Agent} signed in to the console from {RemoteAddress}", key.Name, context.Connection.RemoteIpAddress);
        return Results.Redirect(Root);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, AgentDesk desk)
    {
        await desk.SetPresenceAsync(AgentEndpoints.AgentOf(context), AgentStatus.Offline, context.RequestAborted);
        await context.SignOutAsync(AgentAuthentication.Scheme);
        return Results.Redirect(SignIn);
    }

    /// <summary>The conversation as the transcript store has it (the user's questions and the bot's answers), the handoff's activities included.</summary>
    private static async Task<Results<Ok<List<ConversationLine>>, ProblemHttpResult>> ConversationAsync(
        string id, AgentDesk desk, ITranscriptStore transcripts, CancellationToken cancellationToken)
    {
        var (handoff, problem) = await AgentEndpoints.FindAsync(id, desk, cancellationToken);
        if (handoff is null)
        {
            return problem!;
        }

        var activities = await transcripts.ReadWholeTranscriptAsync(handoff.ChannelId, handoff.ConversationId, MaxConversationLines, cancellationToken);
        return TypedResults.Ok(activities
            .Where(a => a.Type == ActivityTypes.Message)
            .OfType<IMessageActivity>()
            .Where(m => !string.IsNullOrEmpty(m.Text) && (handoff.AcceptedAt is null || m.Timestamp is null || m.Timestamp < handoff.AcceptedAt))
            .Take(MaxConversationLines)
            .Select(m => new ConversationLine(m.Timestamp, IsBot(m) ? "bot" : "user", m.From?.Name, m.Text))
            .ToList());
    }

    /// <summary>The FAQ's answers for the user's last message (or, before any, the last question of the log), ranked as <c>POST /api/v1/answers</c> ranks them.</summary>
    private static async Task<Results<Ok<AgentSuggestions>, ProblemHttpResult>> SuggestAsync(
        string id, AgentDesk desk, AnswerService answers, CancellationToken cancellationToken)
    {
        var (handoff, problem) = await AgentEndpoints.FindAsync(id, desk, cancellationToken);
        if (handoff is null)
        {
            return problem!;
        }

        var text = await LastUserTextAsync(desk.Store, handoff, cancellationToken) ?? handoff.Questions.LastOrDefault()?.Text;
        if (string.IsNullOrWhiteSpace(text))
        {
            return TypedResults.Ok(new AgentSuggestions(null, []));
        }

        var matches = answers.Ask(text, HelpDeskApi.DefaultTop).Matches
            .Select(m => new AgentSuggestion(m.Id, m.Question, m.Category, m.Score, m.Answer))
            .ToList();
        return TypedResults.Ok(new AgentSuggestions(text, matches));
    }

    private static async Task<string?> LastUserTextAsync(IHandoffStore store, Handoff handoff, CancellationToken cancellationToken)
    {
        string? last = null;
        long after = 0;
        while (true)
        {
            var read = await store.ReadAsync(handoff.Id, after, AgentDesk.MaxActivities, cancellationToken);
            foreach (var entry in read.Activities)
            {
                var activity = Newtonsoft.Json.JsonConvert.DeserializeObject<Activity>(entry.ActivityJson);
                if (activity?.Type == ActivityTypes.Message && !string.IsNullOrWhiteSpace(activity.Text) && IsUser(activity, handoff))
                {
                    last = activity.Text;
                }
            }

            if (read.Activities.Count < AgentDesk.MaxActivities)
            {
                return last;
            }

            after = read.Watermark;
        }
    }

    // Stores that record roles say who spoke; otherwise the user is the handoff's user.
    private static bool IsUser(Activity activity, Handoff handoff) =>
        activity.From?.Role == RoleTypes.User || (activity.From?.Role is null && activity.From?.Id is { } from && from == handoff.UserId);

    private static bool IsBot(IMessageActivity message) =>
        message.From?.Role == RoleTypes.Bot || (message.From?.Role is null && message.Recipient?.Role == RoleTypes.User);

    private static IResult SignInPage(HttpContext context, IAntiforgery antiforgery, string? error, int status) =>
        AdminPages.Html(
            Page("Sign in: SupportBot agent console", $"""
                <main class="signin">
                  <h1>SupportBot agent console</h1>
                  <form method="post" action="{SignIn}">
                    {TokenField(antiforgery.GetAndStoreTokens(context))}
                    <label>Agent key <input id="key" name="key" type="password" autocomplete="current-password" required autofocus></label>
                    <button type="submit">Sign in</button>
                    {(error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{Encode(error)}</p>")}
                  </form>
                </main>
                """),
            status);

    private static string Page(string title, string body) =>
        AdminPages.Page(title, body).Replace("</head>", "  <link rel=\"stylesheet\" href=\"/agent/agent.css\">\n</head>", StringComparison.Ordinal);

    private static string TokenField(AntiforgeryTokenSet tokens) =>
        $"<input type=\"hidden\" name=\"{Encode(tokens.FormFieldName)}\" value=\"{Encode(tokens.RequestToken)}\">";

    private static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? string.Empty);
}
