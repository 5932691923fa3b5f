using System.Security.Claims;
using Microsoft.Bot.Builder.Skills;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;

namespace SupportBot.Web.Channels.DirectLine.Connector;

/// <summary>
/// The registered <see cref="BotFrameworkAuthentication"/>, with one change: a connector the bot
/// creates for itself (<see cref="CreateConnectorFactory"/>: its in-process Direct Line turns and
/// proactive messages) to a Direct Line service URL of this host talks to
/// <see cref="BotConnectorHandler"/> in process. Every other service URL, and every connector of a
/// request that came in through /api/messages, goes through the SDK's factory unchanged, so an
/// unsigned activity sent to /api/messages cannot write into a Direct Line conversation.
/// </summary>
public sealed class InProcessConnectorAuthentication(BotFrameworkAuthentication inner, BotConnectorHandler handler) : BotFrameworkAuthentication
{
    public override Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken) =>
        inner.AuthenticateRequestAsync(activity, authHeader, cancellationToken);

    public override Task<AuthenticateRequestResult> AuthenticateStreamingRequestAsync(string authHeader, string channelIdHeader, CancellationToken cancellationToken) =>
        inner.AuthenticateStreamingRequestAsync(authHeader, channelIdHeader, cancellationToken);

    public override Task<ClaimsIdentity> AuthenticateChannelRequestAsync(string authHeader, CancellationToken cancellationToken) =>
        inner.AuthenticateChannelRequestAsync(authHeader, cancellationToken);

    public override ConnectorFactory CreateConnectorFactory(ClaimsIdentity claimsIdentity) =>
        new InProcessConnectorFactory(inner.CreateConnectorFactory(claimsIdentity), handler);

    public override Task<UserTokenClient> CreateUserTokenClientAsync(ClaimsIdentity claimsIdentity, CancellationToken cancellationToken) =>
        inner.CreateUserTokenClientAsync(claimsIdentity, cancellationToken);

    public override BotFrameworkClient CreateBotFrameworkClient() => inner.CreateBotFrameworkClient();

    public override string GetOriginatingAudience() => inner.GetOriginatingAudience();

    private sealed class InProcessConnectorFactory(ConnectorFactory inner, BotConnectorHandler handler) : ConnectorFactory
    {
        public override Task<IConnectorClient> CreateAsync(string serviceUrl, string audience, CancellationToken cancellationToken)
        {
            if (!DirectLineUrls.IsDirectLineServiceUrl(serviceUrl))
            {
                return inner.CreateAsync(serviceUrl, audience, cancellationToken);
            }

            // The handler is shared and outlives every client: the client disposes only its HttpClient.
            var http = new HttpClient(handler, disposeHandler: false);
            return Task.FromResult<IConnectorClient>(new ConnectorClient(new Uri(serviceUrl), MicrosoftAppCredentials.Empty, http, disposeHttpClient: true));
        }
    }
}
