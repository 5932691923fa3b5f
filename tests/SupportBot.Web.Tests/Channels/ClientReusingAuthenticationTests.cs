using System.Security.Claims;
using Microsoft.Bot.Builder.Skills;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Rest;
using Newtonsoft.Json;
using SupportBot.Web.Channels.BotFramework;

namespace SupportBot.Web.Tests.Channels;

/// <summary>Connector clients kept across turns: shared safely, bounded, renewed, and never closed by a turn.</summary>
[Collection(WebHostCollection.Name)]
public sealed class ClientReusingAuthenticationTests(SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    private static readonly ClaimsIdentity Anonymous = new();

    [Fact]
    public async Task Turns_to_one_channel_share_one_connector_client_and_every_reply_arrives()
    {
        await using var channel = await ChannelListener.StartAsync();
        using var client = await host.CreateReadyClientAsync();
        var authentication = host.Services.GetRequiredService<ClientReusingAuthentication>();
        var conversation = $"conv-{Guid.NewGuid():N}";

        using (await client.PostActivityAsync(Activities.Message(channel.ServiceUrl, conversation, "hello")))
        {
        }

        var keptAfterFirstTurn = authentication.CachedClientCount;
        foreach (var question in new[] { "keyhash mismatch android", "logout fails" })
        {
            using var response = await client.PostActivityAsync(Activities.Message(channel.ServiceUrl, conversation, question));
            response.EnsureSuccessStatusCode();
        }

        Assert.Equal(keptAfterFirstTurn, authentication.CachedClientCount);
        var replied = channel.MessagesIn(conversation).Select(m => m.ReplyToId).Distinct().Count();
        Assert.Equal(3, replied);
    }

    [Fact]
    public async Task A_turn_disposing_its_client_leaves_the_kept_client_open_for_the_next_turn()
    {
        var inner = new CountingAuthentication();
        var authentication = new ClientReusingAuthentication(inner, new ManualTime());
        var factory = authentication.CreateConnectorFactory(Anonymous);

        using (var first = await factory.CreateAsync("http://channel/", "audience", CancellationToken.None))
        {
        }

        using var second = await factory.CreateAsync("http://channel/", "audience", CancellationToken.None);

        Assert.Single(inner.Created);
        Assert.False(inner.Created[0].Disposed);
        Assert.Equal(new Uri("http://channel/"), second.BaseUri);
    }

    [Fact]
    public async Task Clients_for_another_service_url_app_id_or_audience_are_not_shared()
    {
        var inner = new CountingAuthentication();
        var authentication = new ClientReusingAuthentication(inner, new ManualTime());
        var bot = new ClaimsIdentity([new Claim(AuthenticationConstants.AudienceClaim, "bot-app-id")]);

        using var a = await authentication.CreateConnectorFactory(Anonymous).CreateAsync("http://one/", "audience", CancellationToken.None);
        using var b = await authentication.CreateConnectorFactory(Anonymous).CreateAsync("http://two/", "audience", CancellationToken.None);
        using var c = await authentication.CreateConnectorFactory(bot).CreateAsync("http://one/", "audience", CancellationToken.None);
        using var d = await authentication.CreateConnectorFactory(Anonymous).CreateAsync("http://one/", "other-audience", CancellationToken.None);
        using var again = await authentication.CreateConnectorFactory(Anonymous).CreateAsync("http://one/", "audience", CancellationToken.None);

        Assert.Equal(4, inner.Created.Count);
        Assert.Equal(4, authentication.CachedClientCount);
    }

    [Fact]
    public async Task Past_the_limit_a_turn_gets_a_client_of_its_own_that_it_disposes()
    {
        var inner = new CountingAuthentication();
        var authentication = new ClientReusingAuthentication(inner, new ManualTime());
        var factory = authentication.CreateConnectorFactory(Anonymous);
        for (var i = 0; i < ClientReusingAuthentication.MaxCachedClients; i++)
        {
            using var kept = await factory.CreateAsync($"http://channel-{i}/", null!, CancellationToken.None);
        }

        using (var own = await factory.CreateAsync("http://one-too-many/", null!, CancellationToken.None))
        {
        }

        Assert.Equal(ClientReusingAuthentication.MaxCachedClients, authentication.CachedClientCount);
        Assert.True(inner.Created[^1].Disposed);
        Assert.DoesNotContain(inner.Created.SkipLast(1), c => c.Disposed);
    }

    [Fact]
    public async Task A_kept_client_is_renewed_once_its_lifetime_is_over()
    {
        var inner = new CountingAuthentication();
        var time = new ManualTime();
        var authentication = new ClientReusingAuthentication(inner, time);
        var factory = authentication.CreateConnectorFactory(Anonymous);

        using (await factory.CreateAsync("http://channel/", null!, CancellationToken.None))
        {
        }

        time.Advance(ClientReusingAuthentication.ClientLifetime - TimeSpan.FromSeconds(1));
        using (await factory.CreateAsync("http://channel/", null!, CancellationToken.None))
        {
        }

        time.Advance(TimeSpan.FromSeconds(2));
        using (await factory.CreateAsync("http://channel/", null!, CancellationToken.None))
        {
        }

        Assert.Equal(2, inner.Created.Count);
        Assert.Equal(1, authentication.CachedClientCount);
    }

    [Fact]
    public async Task The_user_token_client_is_made_only_when_a_turn_uses_it()
    {
        var inner = new CountingAuthentication();
        var authentication = new ClientReusingAuthentication(inner, new ManualTime());

        using (await authentication.CreateUserTokenClientAsync(Anonymous, CancellationToken.None))
        {
        }

        Assert.Equal(0, inner.UserTokenClientsMade);

        using var used = await authentication.CreateUserTokenClientAsync(Anonymous, CancellationToken.None);
        await Assert.ThrowsAsync<NotSupportedException>(() => used.SignOutUserAsync("user", "connection", "test", CancellationToken.None));
        Assert.Equal(1, inner.UserTokenClientsMade);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>Stands in for the SDK's authentication: counts the clients it makes and whether they were disposed.</summary>
    private sealed class CountingAuthentication : BotFrameworkAuthentication
    {
        public List<RecordingClient> Created { get; } = [];

        public int UserTokenClientsMade { get; private set; }

        public override Task<AuthenticateRequestResult> AuthenticateRequestAsync(Activity activity, string authHeader, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public override Task<AuthenticateRequestResult> AuthenticateStreamingRequestAsync(string authHeader, string channelIdHeader, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public override ConnectorFactory CreateConnectorFactory(ClaimsIdentity claimsIdentity) => new Factory(this);

        public override Task<UserTokenClient> CreateUserTokenClientAsync(ClaimsIdentity claimsIdentity, CancellationToken cancellationToken)
        {
            UserTokenClientsMade++;
            return Task.FromResult<UserTokenClient>(new RefusingUserTokenClient());
        }

        public override BotFrameworkClient CreateBotFrameworkClient() => throw new NotSupportedException();

        private sealed class Factory(CountingAuthentication owner) : ConnectorFactory
        {
            public override Task<IConnectorClient> CreateAsync(string serviceUrl, string audience, CancellationToken cancellationToken)
            {
                var client = new RecordingClient(new Uri(serviceUrl));
                owner.Created.Add(client);
                return Task.FromResult<IConnectorClient>(client);
            }
        }
    }

    private sealed class RecordingClient(Uri baseUri) : IConnectorClient
    {
        public bool Disposed { get; private set; }

        public Uri BaseUri { get; set; } = baseUri;

        public JsonSerializerSettings SerializationSettings { get; } = new();

        public JsonSerializerSettings DeserializationSettings { get; } = new();

        public ServiceClientCredentials Credentials => MicrosoftAppCredentials.Empty;

        public IAttachments Attachments => throw new NotSupportedException();

        public IConversations Conversations => throw new NotSupportedException();

        public void Dispose() => Disposed = true;
    }

    private sealed class RefusingUserTokenClient : UserTokenClient
    {
        public override Task<TokenResponse> GetUserTokenAsync(string userId, string connectionName, string channelId, string magicCode, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override Task<SignInResource> GetSignInResourceAsync(string connectionName, Activity activity, string finalRedirect, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override Task SignOutUserAsync(string userId, string connectionName, string channelId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override Task<TokenStatus[]> GetTokenStatusAsync(string userId, string channelId, string includeFilter, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override Task<Dictionary<string, TokenResponse>> GetAadTokensAsync(string userId, string connectionName, string[] resourceUrls, string channelId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override Task<TokenResponse> ExchangeTokenAsync(string userId, string connectionName, string channelId, TokenExchangeRequest exchangeRequest, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
