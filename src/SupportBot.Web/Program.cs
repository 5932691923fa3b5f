using Microsoft.Extensions.Options;
using SupportBot.Core.Knowledge;
using SupportBot.Web.Admin;
using SupportBot.Web.Agents;
using SupportBot.Web.Channels.BotFramework;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Channels.Kakao;
using SupportBot.Web.Classification;
using SupportBot.Web.Configuration;
using SupportBot.Web.Health;
using SupportBot.Web.HelpDesk;
using SupportBot.Web.HelpDesk.LiveChat;
using SupportBot.Web.Hosting;
using SupportBot.Web.Http;
using SupportBot.Web.Knowledge;
using SupportBot.Web.Privacy;
using SupportBot.Web.Storage;
using SupportBot.Web.Telemetry;
using SupportBot.Web.WebChat;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.LetEnvironmentOverrideUrls(args);  // Urls: appsettings.json < ASPNETCORE_URLS < --urls
builder.Configuration.WatchSettingsFilesByPolling();      // appsettings*.json edits noticed without watching the content root's database writes

builder.Services.AddSecretChecks();         // placeholder or weak secrets stop the start outside Development
builder.Services.AddProblemResponses();     // every error is a ProblemDetails, never a stack trace
builder.Services.AddJsonBodyChecks();       // 400 / 413 / 415 before a JSON endpoint runs (Api:*)
builder.Services.AddKnowledgeBase();        // training-data/, validated at start
builder.Services.AddIntentModel();          // Classifier:*: the model, reloaded when retrained; the decision policy
builder.Services.AddBotStorage();           // Storage:*: IStorage and the transcript store
builder.Services.AddRetention();            // Privacy:Retention:*, Privacy:SweepInterval: expired personal data deleted in batches
builder.Services.AddRedaction();            // Privacy:Redact: emails, phone numbers and tokens in user text masked before they are stored
builder.Services.AddBotFramework();         // authentication (Bot:AllowUnauthenticatedChannel), AdapterWithErrorHandler, the bot
builder.Services.AddHelpDesk();             // HelpDesk:*: API keys, the ticket webhook and its dispatcher
builder.Services.AddLiveChat();             // HelpDesk:OfficeHours, MaxWait, PresenceTimeout: live handoff, waits timed out into tickets
builder.Services.AddAdminDashboard();       // HelpDesk:AdminPassword: /admin sign-in, charts, review, retraining
builder.Services.AddAgents();               // live-handoff agents (agent keys, presence), the /agent sign-in
builder.Services.AddDirectLine();           // DirectLine:*, WebChat:*: Direct Line 3.0 in process, tokens, history, CORS, limits
builder.Services.AddKakaoSkill();           // Kakao:*: POST /api/kakao/skill, KakaoTalk through Kakao i Open Builder
builder.Services.AddRateLimits();           // RateLimits:*: per IP, per API key, per conversation, wrong API keys
builder.Services.AddTelemetry();            // Telemetry:*: /metrics, OTLP traces; Logging:Console:FormatterName=json for JSON logs
builder.Services.AddGracefulShutdown();     // Shutdown:*: drain, then finish the turns in flight
builder.Services.AddHealth();
builder.Services.AddOpenApi(options => options.AddApiKeySecurityScheme());

try
{
    // Inside: settings read while the host is built (the shutdown timeout, the metrics path) are validated then.
    var app = builder.Build();

    app.UseProblemResponses();
    app.UseSecurityHeaders();               // CSP (script-src 'self', frame-ancestors), nosniff, no referrer, on every response
    app.UseGracefulShutdown(HealthEndpoints.Liveness, HealthEndpoints.Readiness, app.MetricsPath());
    app.UseWebChatPages();                  // /, /embed.js, /demo/helpdesk.html, /lib/webchat (wwwroot)
    app.UseApiKeys();                       // 401 before a protected endpoint reads its body
    app.UseAdminAuthentication();           // the admin cookie; API keys open nothing under /admin
    app.UseJsonBodyChecks();
    app.UseCors();                          // WebChat:AllowedOrigins; a preflight ends here
    app.UseRateLimits();                    // 429 with Retry-After; /api/messages per address here, per conversation once authenticated

    app.MapBotMessages();                   // POST /api/messages
    app.MapDirectLine();                    // /v3/directline/*, POST /api/webchat/token
    app.MapKakaoSkill();                    // POST /api/kakao/skill (off outside Development until Kakao:BotIds is set)
    app.MapHelpDeskApi()                    // /api/v1/answers, /api/v1/faq
        .RequireApiKey(ApiKeyScope.Faq);    //   a key only with HelpDesk:RequireApiKeyForFaq
    app.MapTicketsApi();                    // /api/v1/tickets, /api/v1/webhook-events
    app.MapTranscriptExportApi();           // /api/v1/conversations/{channelId}/{conversationId}/transcript (scope conversations)
    app.MapErasures();                      // POST /api/v1/privacy/erasures (API key scope privacy)
    app.MapAdminDashboard();                // /admin, /admin/signin, /admin/api/*, /admin/conversations (search, transcripts)
    app.MapAgentApi();                      // /api/v1/agents/me/presence, /api/v1/handoffs (API key scope agent; long poll)
    app.MapAgentConsole();                  // /agent, /agent/signin, /agent/api/* (the agent's cookie and antiforgery)
    app.MapHealth();                        // /healthz, /readyz
    app.MapMetrics();                       // /metrics (Prometheus)
    app.MapOpenApi();                       // /openapi/v1.json
    app.LogAddressesOnStart();

    app.Run();
    return 0;
}
catch (Exception ex) when (ex is OptionsValidationException or KnowledgeBaseException)
{
    // A setting or the training data is wrong: say what, without a stack trace, and exit non-zero.
    Console.Error.WriteLine($"SupportBot cannot start: {ex.Message}");
    return 1;
}

/// <summary>The host's entry point, public for the tests' WebApplicationFactory.</summary>
public partial class Program
{
}
