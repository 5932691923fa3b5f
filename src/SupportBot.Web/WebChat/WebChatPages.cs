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
    /// <summary>The chat page, the one page other sites may show in a frame (the embed's panel).</summary>
    private static readonly PathString[] ChatPage = ["/", "/index.html"];

    public static WebApplication UseWebChatPages(this WebApplication app)
    {
        // Only the host itself and the allowed help-desk origins may frame the chat page; every
        // other page of the host may not be framed at all. Read on first use: the settings are
        // validated when the host starts, where a bad origin stops it with a clear message.
        var chatFrameAncestors = new Lazy<string>(() =>
            string.Join(' ', ["'self'", .. app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value.AllowedOrigins]));

        app.Use((context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                var framedBy = ChatPage.Contains(context.Request.Path) ? chatFrameAncestors.Value : "'none'";
                context.Response.Headers.ContentSecurityPolicy = $"frame-ancestors {framedBy}";
                context.Response.Headers.XContentTypeOptions = "nosniff";
            }

            return next(context);
        });
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
}
