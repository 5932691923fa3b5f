using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.Bot.Builder.Skills;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Rest;
using Newtonsoft.Json;

namespace SupportBot.Web.Channels.BotFramework;

/// <summary>
/// The configured Bot Framework authentication, with the Bot Connector client of a service URL
/// kept across turns and the user-token client made only when a turn asks for one.
/// </summary>
/// <remarks>
/// <c>CloudAdapter</c> builds a new <c>ConnectorClient</c> and a new user-token client on every
/// turn and disposes them when the turn ends; building one parses its user-agent regular
/// expressions again, about a quarter of a SupportBot turn's CPU under load (docs/performance.md).
/// The SDK's earlier <c>BotFrameworkAdapter</c> cached connector clients per service URL and app id
/// the same way. Authentication itself is untouched: every request is still validated by the
/// inner instance, and a client is keyed by the app id, service URL and audience it was made for.
/// </remarks>
public sealed class ClientReusingAuthentication(BotFrameworkAuthentication inner, TimeProvider time) : BotFrameworkAuthentication
{
    /// <summary>Connector clients kept at most.</summary>
    // Service URLs come from incoming activities; without authentication anyone can send any, so
    // the cache is bounded and a full cache falls back to the SDK's per-turn clients.
    public const int MaxCachedClients = 256;

    /// <summary>How long a connector client is kept.</summary>
    // Kept no longer than IHttpClientFactory keeps a handler, so DNS changes are picked up.
    public static readonly TimeSpan ClientLifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<ClientKey, CachedClient> _clients = new();

    public override async Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken)
    {
        var result = await inner.AuthenticateRequestAsync(activity, authHeader, cancellationToken).ConfigureAwait(false);
        result.ConnectorFactory = Reusing(result.ConnectorFactory, result.ClaimsIdentity);
        return result;
    }

    public override async Task<AuthenticateRequestResult> AuthenticateStreamingRequestAsync(string authHeader, string channelIdHeader, CancellationToken cancellationToken)
    {
        var result = await inner.AuthenticateStreamingRequestAsync(authHeader, channelIdHeader, cancellationToken).ConfigureAwait(false);
        result.ConnectorFactory = Reusing(result.ConnectorFactory, result.ClaimsIdentity);
        return result;
    }

    public override ConnectorFactory CreateConnectorFactory(ClaimsIdentity claimsIdentity) =>
        Reusing(inner.CreateConnectorFactory(claimsIdentity), claimsIdentity);

    public override Task<UserTokenClient> CreateUserTokenClientAsync(ClaimsIdentity claimsIdentity, CancellationToken cancellationToken) =>
        Task.FromResult<UserTokenClient>(new OnDemandUserTokenClient(ct => inner.CreateUserTokenClientAsync(claimsIdentity, ct)));

    public override BotFrameworkClient CreateBotFrameworkClient() => inner.CreateBotFrameworkClient();

    public override string GetOriginatingAudience() => inner.GetOriginatingAudience();

    public override Task<ClaimsIdentity> AuthenticateChannelRequestAsync(string authHeader, CancellationToken cancellationToken) =>
        inner.AuthenticateChannelRequestAsync(authHeader, cancellationToken);

    /// <summary>How many connector clients are kept now.</summary>
    public int CachedClientCount => _clients.Count;

    private ConnectorFactory Reusing(ConnectorFactory? factory, ClaimsIdentity? identity) =>
        factory is null or ReusingConnectorFactory ? factory! : new ReusingConnectorFactory(this, factory, AppIdOf(identity));

    // The app id the SDK's own factory makes its credentials for (BuiltinBotFrameworkAuthentication.GetAppId).
    private static string? AppIdOf(ClaimsIdentity? identity) =>
        identity?.FindFirst(AuthenticationConstants.AudienceClaim)?.Value ?? identity?.FindFirst(AuthenticationConstants.AppIdClaim)?.Value;

    private async Task<IConnectorClient> GetOrCreateAsync(ConnectorFactory factory, ClientKey key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_clients.TryGetValue(key, out var cached) && now - cached.Created < ClientLifetime)
        {
            return new LentConnectorClient(cached.Client);
        }

        var client = await factory.CreateAsync(key.ServiceUrl, key.Audience, cancellationToken).ConfigureAwait(false);
        if (cached is null && _clients.Count >= MaxCachedClients)
        {
            return client;  // the turn owns and disposes it, as without the cache
        }

        // A replaced client may still be in use by a turn: it is left to the garbage collector, not disposed.
        _clients[key] = new CachedClient(client, now);
        return new LentConnectorClient(client);
    }

    private readonly record struct ClientKey(string? AppId, string ServiceUrl, string? Audience);

    private sealed record CachedClient(IConnectorClient Client, DateTimeOffset Created);

    private sealed class ReusingConnectorFactory(ClientReusingAuthentication owner, ConnectorFactory inner, string? appId) : ConnectorFactory
    {
        public override Task<IConnectorClient> CreateAsync(string serviceUrl, string audience, CancellationToken cancellationToken) =>
            owner.GetOrCreateAsync(inner, new ClientKey(appId, serviceUrl, audience), cancellationToken);
    }

    /// <summary>A user-token client made on the first call: SupportBot has no sign-in, so most turns never make one.</summary>
    private sealed class OnDemandUserTokenClient(Func<CancellationToken, Task<UserTokenClient>> create) : UserTokenClient
    {
        private UserTokenClient? _client;

        public override async Task<TokenResponse> GetUserTokenAsync(string userId, string connectionName, string channelId, string magicCode, CancellationToken cancellationToken) =>
            await (await ClientAsync(cancellationToken).ConfigureAwait(false)).GetUserTokenAsync(userId, connectionName, channelId, magicCode, cancellationToken).ConfigureAwait(false);

        public override async Task<SignInResource> GetSignInResourceAsync(string connectionName, Activity activity, string finalRedirect, CancellationToken cancellationToken) =>
            await (await ClientAsync(cancellationToken).ConfigureAwait(false)).GetSignInResourceAsync(connectionName, activity, finalRedirect, cancellationToken).ConfigureAwait(false);

        public override async Task SignOutUserAsync(string userId, string connectionName, string channelId, CancellationToken cancellationToken) =>
            await (await ClientAsync(cancellationToken).ConfigureAwait(false)).SignOutUserAsync(userId, connectionName, channelId, cancellationToken).ConfigureAwait(false);

        public override async Task<TokenStatus[]> GetTokenStatusAsync(string userId, string channelId, string includeFilter, CancellationToken cancellationToken) =>
            await (await ClientAsync(cancellationToken).ConfigureAwait(false)).GetTokenStatusAsync(userId, channelId, includeFilter, cancellationToken).ConfigureAwait(false);

        public override async Task<Dictionary<string, TokenResponse>> GetAadTokensAsync(string userId, string connectionName, string[] resourceUrls, string channelId, CancellationToken cancellationToken) =>
            await (await ClientAsync(cancellationToken).ConfigureAwait(false)).GetAadTokensAsync(userId, connectionName, resourceUrls, channelId, cancellationToken).ConfigureAwait(false);

        public override async Task<TokenResponse> ExchangeTokenAsync(string userId, string connectionName, string channelId, TokenExchangeRequest exchangeRequest, CancellationToken cancellationToken) =>
            await (await ClientAsync(cancellationToken).ConfigureAwait(false)).ExchangeTokenAsync(userId, connectionName, channelId, exchangeRequest, cancellationToken).ConfigureAwait(false);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _client?.Dispose();
            }

            base.Dispose(disposing);
        }

        private async Task<UserTokenClient> ClientAsync(CancellationToken cancellationToken) =>
            _client ??= await create(cancellationToken).ConfigureAwait(false);
    }
}
