using System.Security.Claims;
using Microsoft.Bot.Builder.Skills;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using SupportBot.Web.Channels.BotFramework;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Channels.DirectLine.Connector;

/// <summary>
/// The registered <see cref="BotFrameworkAuthentication"/>, with one change: a connector the bot
/// creates for itself (<see cref="CreateConnectorFactory"/>: its in-process Direct Line turns and
/// proactive messages) to a Direct Line service URL of this host talks to
/// <see cref="BotConnectorHandler"/> in process. Every other service URL, and every connector of a
/// request that came in through /api/messages, goes through the SDK's factory unchanged, so an
/// unsigned activity sent to /api/messages cannot write into a Direct Line conversation.
/// </summary>
public sealed class InProcessConnectorAuthentication(BotFrameworkAuthentication inner, BotConnectorHandler handler, ActivityHistory history) : BotFrameworkAuthentication, IDisposable
{
    // A ConnectorClient builds its own Newtonsoft contract resolver, and resolving the Activity
    // contracts again on every turn's first reply cost ~15 ms a turn: the clients are kept, one
    // per service URL (a few: this host's names), as BotFrameworkAdapter kept them.
    private const int MaxKeptClients = 16;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ConnectorClient> _clients = new(StringComparer.OrdinalIgnoreCase);

    public override Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken) =>
        inner.AuthenticateRequestAsync(activity, authHeader, cancellationToken);

    public override Task<AuthenticateRequestResult> AuthenticateStreamingRequestAsync(string authHeader, string channelIdHeader, CancellationToken cancellationToken) =>
        inner.AuthenticateStreamingRequestAsync(authHeader, channelIdHeader, cancellationToken);

    public override Task<ClaimsIdentity> AuthenticateChannelRequestAsync(string authHeader, CancellationToken cancellationToken) =>
        inner.AuthenticateChannelRequestAsync(authHeader, cancellationToken);

    public override ConnectorFactory CreateConnectorFactory(ClaimsIdentity claimsIdentity) =>
        new InProcessConnectorFactory(inner.CreateConnectorFactory(claimsIdentity), this);

    public override Task<UserTokenClient> CreateUserTokenClientAsync(ClaimsIdentity claimsIdentity, CancellationToken cancellationToken) =>
        inner.CreateUserTokenClientAsync(claimsIdentity, cancellationToken);

    public override BotFrameworkClient CreateBotFrameworkClient() => inner.CreateBotFrameworkClient();

    public override string GetOriginatingAudience() => inner.GetOriginatingAudience();

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }

    /// <summary>A client of the in-process Bot Connector for the service URL; the adapter's dispose of it is a no-op.</summary>
    private IConnectorClient InProcessClient(string serviceUrl)
    {
        if (!_clients.TryGetValue(serviceUrl, out var kept) && _clients.Count < MaxKeptClients)
        {
            kept = _clients.GetOrAdd(serviceUrl, NewClient);
        }

        // Beyond the few expected host names (a Host header is the client's to choose), not kept.
        return new DirectLineConnectorClient(kept is null ? NewClient(serviceUrl) : new LentConnectorClient(kept), history);
    }

    // The handler is shared and outlives every client: a client disposes only its HttpClient.
    private ConnectorClient NewClient(string serviceUrl) =>
        new(new Uri(serviceUrl), MicrosoftAppCredentials.Empty, new HttpClient(handler, disposeHandler: false), disposeHttpClient: true);

    private sealed class InProcessConnectorFactory(ConnectorFactory inner, InProcessConnectorAuthentication connectors) : ConnectorFactory
    {
        public override Task<IConnectorClient> CreateAsync(string serviceUrl, string audience, CancellationToken cancellationToken) =>
            DirectLineUrls.IsDirectLineServiceUrl(serviceUrl)
                ? Task.FromResult(connectors.InProcessClient(serviceUrl))
                : inner.CreateAsync(serviceUrl, audience, cancellationToken);
    }
}
