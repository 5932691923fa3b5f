using System.Globalization;
using Microsoft.Extensions.Options;

namespace SupportBot.Web.Channels.DirectLine;

/// <summary>
/// The URLs of this host's Direct Line. With <c>DirectLine:PublicBaseUrl</c> they are built on it
/// alone, so no request's <c>Host</c> header ends up in a URL a browser is told to use. Without it,
/// from the request as the host sees it: <c>AllowedHosts</c> refuses other hosts first, and behind a
/// proxy <c>X-Forwarded-*</c> count only when the host is configured to apply them
/// (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED</c>), which rewrites the request's scheme and host first.
/// </summary>
public static class DirectLineUrls
{
    public const string BasePath = "/v3/directline";

    /// <summary>The base URL a client passes as <c>domain</c> to <c>createDirectLine</c>.</summary>
    public static string Domain(HttpRequest request)
    {
        var (scheme, hostAndPath) = HostBase(request);
        return $"{scheme}://{hostAndPath}{BasePath}";
    }

    /// <summary>This host's root as its users reach it (the web chat page), ending in <c>/</c>.</summary>
    public static string SiteRoot(HttpRequest request)
    {
        var (scheme, hostAndPath) = HostBase(request);
        return $"{scheme}://{hostAndPath}/";
    }

    /// <summary>The <c>serviceUrl</c> the bot sees on Direct Line activities (its replies are delivered in process).</summary>
    public static string ServiceUrl(HttpRequest request) => Domain(request) + "/";

    public static bool IsDirectLineServiceUrl(string? serviceUrl) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri)
        && uri.AbsolutePath.EndsWith(BasePath + "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>The WebSocket URL of a conversation: the stream token in <c>t</c> (a browser cannot set headers on a WebSocket).</summary>
    public static string StreamUrl(HttpRequest request, string conversationId, long? watermark, string streamToken)
    {
        var (scheme, hostAndPath) = HostBase(request);
        var query = watermark is { } w ? $"watermark={w.ToString(CultureInfo.InvariantCulture)}&" : string.Empty;
        return $"{(scheme == Uri.UriSchemeHttps ? "wss" : "ws")}://{hostAndPath}{BasePath}/conversations/{Uri.EscapeDataString(conversationId)}/stream?{query}t={streamToken}";
    }

    private static (string Scheme, string HostAndPath) HostBase(HttpRequest request) =>
        request.HttpContext.RequestServices.GetRequiredService<IOptions<DirectLineOptions>>().Value.PublicBase is { } configured
            ? (configured.Scheme, configured.Authority + configured.AbsolutePath.TrimEnd('/'))
            : (request.Scheme, $"{request.Host}{request.PathBase}");
}
