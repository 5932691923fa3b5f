using Microsoft.Extensions.Options;
using SupportBot.Web.Channels.DirectLine;

namespace SupportBot.Web.WebChat;

/// <summary>
/// The pages people chat in, served from <c>wwwroot</c>: <c>/</c> (the full-page chat, also the
/// embed's panel), <c>/embed.js</c> (the help-desk launcher), <c>/demo/helpdesk.html</c>, and the
/// Web Chat bundle copied from npm at build time.
/// </summary>
public static class WebChatPages
{
    /// <summary>The demo help center, whose <c>?bot=</c> names the bot the embed is loaded from.</summary>
    public const string DemoPage = "/demo/helpdesk.html";

    public const string BotParameter = "bot";

    public static WebApplication UseWebChatPages(this WebApplication app)
    {
        // Read on first use: the settings are validated when the host starts.
        var allowedBots = new Lazy<string[]>(() =>
        {
            var publicBase = app.Services.GetRequiredService<IOptions<DirectLineOptions>>().Value.PublicBase;
            return [.. app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value.AllowedOrigins, .. publicBase is null ? [] : new[] { publicBase.GetLeftPart(UriPartial.Authority) }];
        });

        // The demo page on this origin loads its embed from ?bot=: only from this host or an allowed
        // origin, so that no link makes it load someone's script on the bot's origin (the page's
        // script also takes an http(s) origin only, and the Content-Security-Policy runs no foreign script).
        app.Use((context, next) =>
            context.Request.Path == DemoPage && context.Request.Query.TryGetValue(BotParameter, out var bot) && !IsAllowedBot(context.Request, bot.ToString(), allowedBots.Value)
                ? RefuseBotAsync(context)
                : next(context));
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // Pages and scripts are checked on every load (ETag, so usually a 304); the Web Chat
            // bundle changes only with the npm version and is kept for a day.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl =
                file.Context.Request.Path.StartsWithSegments("/lib") ? "public, max-age=86400" : "no-cache",
        });
        return app;
    }

    private static bool IsAllowedBot(HttpRequest request, string bot, string[] allowedOrigins)
    {
        if (!Uri.TryCreate(bot, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        var origin = url.GetLeftPart(UriPartial.Authority);
        return string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)
            || allowedOrigins.Contains(origin, StringComparer.OrdinalIgnoreCase);
    }

    private static Task RefuseBotAsync(HttpContext context) =>
        TypedResults.Problem(
            detail: $"?{BotParameter}= must be an http(s) address of this host or of an origin in {WebChatOptions.Section}:{nameof(WebChatOptions.AllowedOrigins)}.",
            statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
}
