using Microsoft.Extensions.Options;
using SupportBot.Web.Channels.DirectLine;

namespace SupportBot.Web.Http;

/// <summary>
/// The browser's side of every response: a Content-Security-Policy that runs only this host's own
/// script files (no inline script, no <c>data:</c> or foreign script), <c>nosniff</c> and no
/// referrer. Set just before the headers go out, so error pages and problems carry them too.
/// </summary>
public static class SecurityHeaders
{
    public const string ReferrerPolicy = "no-referrer";

    /// <summary>The chat page, the one page other sites may show in a frame (the embed's panel).</summary>
    private static readonly PathString[] ChatPage = ["/", "/index.html"];

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        // Read on first use: the settings are validated when the host starts, where a bad origin
        // stops it with a clear message.
        var policies = new Lazy<(string ChatPage, string Other)>(() => Policies(
            app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value,
            app.Services.GetRequiredService<IOptions<DirectLineOptions>>().Value));

        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ChatPage.Contains(context.Request.Path) ? policies.Value.ChatPage : policies.Value.Other;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = ReferrerPolicy;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>The policy of the chat page (framed by the allowed help desks) and of every other response (framed by none).</summary>
    public static (string ChatPage, string Other) Policies(WebChatOptions webChat, DirectLineOptions directLine)
    {
        // Web Chat talks to the Direct Line over fetch and a WebSocket: this host's own ('self'
        // covers ws: and wss: of the same host), its public address, or Azure's in Azure mode.
        var directLines = new List<Uri>();
        if (directLine.PublicBase is { } publicBase)
        {
            directLines.Add(publicBase);
        }

        if (directLine.IsAzure)
        {
            directLines.Add(directLine.AzureBaseUrl);
        }

        var connect = string.Join(' ', ["'self'", .. directLines.SelectMany(WithWebSocket).Distinct()]);

        // Web Chat and the embed's launcher write their styles into <style> elements at run time,
        // and Web Chat turns inline images into blob: URLs; scripts are never inline.
        var common = string.Join("; ", [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' blob:",
            "worker-src 'self' blob:",
            $"connect-src {connect}",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ]);
        var chatFramedBy = string.Join(' ', ["'self'", .. webChat.AllowedOrigins]);
        return ($"{common}; frame-ancestors {chatFramedBy}", $"{common}; frame-ancestors 'none'");
    }

    private static IEnumerable<string> WithWebSocket(Uri url)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        yield return origin;
        yield return (url.Scheme == Uri.UriSchemeHttps ? "wss" : "ws") + origin[url.Scheme.Length..];
    }
}
