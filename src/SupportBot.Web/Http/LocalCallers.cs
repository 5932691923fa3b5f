using System.Net;

namespace SupportBot.Web.Http;

/// <summary>What makes a request one from this machine: loopback addresses and no proxy on the way.</summary>
public static class LocalCallers
{
    // Headers a proxy adds (and ForwardedHeadersMiddleware leaves as X-Original-For when it applies them).
    private static readonly string[] ProxyHeaders = ["X-Forwarded-For", "X-Original-For", "Forwarded"];

    /// <summary>True for 127.0.0.0/8 and ::1, IPv4-mapped ones included.</summary>
    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>A proxy forwarded the request: on a loopback connection it carries another client's request.</summary>
    public static bool WasForwarded(HttpRequest request) => ProxyHeaders.Any(request.Headers.ContainsKey);

    /// <summary>
    /// A caller on this machine: both ends of the connection on loopback, and no proxy on the way
    /// (a proxy on the same machine would otherwise make every visitor local). With
    /// <paramref name="unknownAddressIsLocal"/>, a connection without addresses (the in-memory test
    /// server's) counts as local too.
    /// </summary>
    public static bool IsOnThisMachine(HttpContext context, bool unknownAddressIsLocal = false) =>
        IsLoopbackEnd(context.Connection.RemoteIpAddress, unknownAddressIsLocal)
        && IsLoopbackEnd(context.Connection.LocalIpAddress, unknownAddressIsLocal)
        && !WasForwarded(context.Request);

    private static bool IsLoopbackEnd(IPAddress? address, bool unknownIsLocal) =>
        address is null ? unknownIsLocal : IsLoopback(address);
}
