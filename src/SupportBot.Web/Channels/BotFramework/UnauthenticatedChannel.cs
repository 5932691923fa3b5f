using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.Options;
using SupportBot.Web.Http;

namespace SupportBot.Web.Channels.BotFramework;

/// <summary>The <c>Bot</c> settings of the Bot Framework channel.</summary>
public sealed class BotChannelOptions
{
    public const string Section = "Bot";

    /// <summary>
    /// Serves activities that no channel signed (no <c>MicrosoftAppId</c>) from any host and for
    /// any <c>serviceUrl</c>: the bot then posts to whatever URL a request names. Only for a test
    /// network that nobody else can reach.
    /// </summary>
    public bool AllowUnauthenticatedChannel { get; set; }
}

/// <summary>
/// Decides whether an activity that arrived without app-id authentication may run a turn. With no
/// <c>MicrosoftAppId</c> the SDK lets every request through, and the bot would post its replies to
/// any <c>serviceUrl</c> the request names (server-side request forgery) as any user it names. So
/// such an activity is served only for the Emulator on this machine: when the host runs in
/// Development or listens on loopback addresses only, for a loopback <c>serviceUrl</c>, from a
/// loopback client that no proxy forwarded; or when <c>Bot:AllowUnauthenticatedChannel</c> says so.
/// The self-hosted Direct Line does not come through here: it authenticates its own clients.
/// </summary>
public sealed class UnauthenticatedChannel(IServer server, IConfiguration configuration, IHostEnvironment environment, IOptions<BotChannelOptions> options)
{
    public const string AllowSetting = $"{BotChannelOptions.Section}:{nameof(BotChannelOptions.AllowUnauthenticatedChannel)}";

    // Kestrel's own default when no URL is configured.
    private const string KestrelDefaultUrl = "http://localhost:5000";

    /// <summary>Whether unsigned activities are served at all (for some service URLs), whatever the request.</summary>
    public bool IsOpen => options.Value.AllowUnauthenticatedChannel || environment.IsDevelopment() || ListensOnLoopbackOnly;

    /// <summary>Whether any address the server listens on is reachable from other machines.</summary>
    public bool ListensOnLoopbackOnly
    {
        get
        {
            // The server's own list once it listens; an in-memory test server has none, then the configured URLs count.
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            IEnumerable<string> listening = addresses is { Count: > 0 }
                ? addresses
                : (configuration["urls"] is { Length: > 0 } urls ? urls : KestrelDefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return listening.All(IsLoopbackBinding);
        }
    }

    /// <summary>Whether the request came without app-id authentication: the SDK's anonymous identity, or no app id to check a token against.</summary>
    public bool IsUnauthenticated(ClaimsIdentity? identity) =>
        identity?.AuthenticationType == AuthenticationConstants.AnonymousAuthType || string.IsNullOrWhiteSpace(configuration["MicrosoftAppId"]);

    /// <summary>Why an unauthenticated activity is refused, or null when it may run its turn.</summary>
    public string? Refusal(HttpContext context, Activity activity)
    {
        if (options.Value.AllowUnauthenticatedChannel)
        {
            return null;
        }

        if (!environment.IsDevelopment() && !ListensOnLoopbackOnly)
        {
            return $"The request is not signed by a channel this bot trusts: this host is reachable from other machines, so it serves only signed requests (configure MicrosoftAppId, or {AllowSetting} on a closed test network).";
        }

        if (!IsLoopbackUrl(activity.ServiceUrl))
        {
            return "The request is not signed by a channel this bot trusts: without MicrosoftAppId the bot answers only a channel on this machine, and the serviceUrl is not a loopback address (localhost, 127.0.0.0/8, [::1]).";
        }

        if (!LocalCallers.IsOnThisMachine(context, unknownAddressIsLocal: true))
        {
            return "The request is not signed by a channel this bot trusts: without MicrosoftAppId the bot answers only clients on this machine, and this one came from elsewhere or through a proxy.";
        }

        return null;
    }

    /// <summary>Whether a URL is http(s) to localhost or a loopback address.</summary>
    public static bool IsLoopbackUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && IsLoopbackHost(uri.Host);

    /// <summary>Whether a server address (<c>http://localhost:3978</c>, <c>http://+:8080</c>, a Unix socket) accepts connections from this machine only.</summary>
    public static bool IsLoopbackBinding(string address)
    {
        BindingAddress binding;
        try
        {
            binding = BindingAddress.Parse(address);
        }
        catch (FormatException)
        {
            return false;
        }

        return binding.IsUnixPipe || binding.IsNamedPipe || IsLoopbackHost(binding.Host);
    }

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && LocalCallers.IsLoopback(address));
}
