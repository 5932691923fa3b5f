using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Tickets;
using SupportBot.Web.Tests.Admin;
using SupportBot.Web.Tests.DirectLine;
using SupportBot.Web.Tests.HelpDesk;

namespace SupportBot.Web.Tests.BadInput;

/// <summary>
/// One host for a group of endpoints, with every credential the endpoints need: a help-desk API
/// key (the FAQ endpoints require it too), a signed-in admin with the page's antiforgery token, a
/// Direct Line conversation and its token, and a ticket to change.
/// </summary>
public class BadInputHost(TrainedModelFixture model) : IAsyncLifetime
{
    public const string ApiKey = "bad-input-key-0123456789abcdef";
    public const string AgentKey = "bad-input-agent-key-0123456789abcdef";

    private SupportBotFactory? _factory;
    private AdminSession? _admin;
    private HttpClient? _client;

    public SupportBotFactory Factory => _factory!;

    public StartedConversation Conversation { get; private set; } = null!;

    public string TicketNumber { get; private set; } = null!;

    /// <summary>A handoff the agent key's agent holds.</summary>
    public string HandoffId { get; private set; } = null!;

    /// <summary>Whether the store is the SQLite file the checks read (<see cref="StoreSnapshot"/>).</summary>
    public virtual bool StoresInSqlite => true;

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(AdminSession.Settings)
        {
            ["HelpDesk:ApiKeys:0:Name"] = "bad-input",
            ["HelpDesk:ApiKeys:0:Key"] = ApiKey,
            ["HelpDesk:ApiKeys:0:Scopes:0"] = "tickets",
            ["HelpDesk:ApiKeys:0:Scopes:1"] = "conversations",
            ["HelpDesk:RequireApiKeyForFaq"] = "true",
            ["HelpDesk:ApiKeys:1:Name"] = "bad-input-agent",
            ["HelpDesk:ApiKeys:1:Key"] = AgentKey,
            ["HelpDesk:ApiKeys:1:Scopes:0"] = "agent",
        };
        foreach (var (key, value) in await StorageSettingsAsync())
        {
            settings[key] = value;
        }

        _factory = SupportBotFactory.WithSettings(model, settings);
        _client = await _factory.CreateReadyClientAsync();
        Conversation = await new DirectLineCalls(_client).StartAsync();
        TicketNumber = (await _factory.Services.GetRequiredService<ITicketStore>().CreateAsync(TicketRequests.Handoff())).Number;
        _admin = await AdminSession.SignInAsync(_factory);
        var handoffs = _factory.Services.GetRequiredService<IHandoffStore>();
        var handoff = await handoffs.QueueAsync(
            new NewHandoff("directline", Conversation.Id, "bad-input-user", "User", "en", "{}", []), DateTimeOffset.UtcNow);
        HandoffId = (await handoffs.AcceptAsync(handoff.Id, "bad-input-agent", DateTimeOffset.UtcNow)).Handoff!.Id;
    }

    /// <summary>Settings that put the store elsewhere than the test's SQLite file.</summary>
    protected virtual Task<IReadOnlyDictionary<string, string?>> StorageSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());

    /// <summary>Sends a body to an endpoint as its legitimate caller would.</summary>
    public Task<HttpResponseMessage> SendAsync(BadInputEndpoint endpoint, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(endpoint.Method, endpoint.Path, endpoint.Caller, content);
    }

    /// <summary>Sends a request as the caller would; <c>{conversation}</c> and <c>{ticket}</c> in the path are the host's.</summary>
    public Task<HttpResponseMessage> SendAsync(string method, string path, Caller caller, HttpContent? content = null)
    {
        path = path.Replace("{conversation}", Conversation.Id, StringComparison.Ordinal).Replace("{ticket}", TicketNumber, StringComparison.Ordinal)
            .Replace("{handoff}", HandoffId, StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        switch (caller)
        {
            case Caller.DirectLineSecret:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SupportBotFactory.DirectLineSecret);
                break;
            case Caller.ConversationToken:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Conversation.Token);
                break;
            case Caller.ApiKey:
                request.Headers.Add("X-Api-Key", ApiKey);
                break;
            case Caller.AgentKey:
                request.Headers.Add("X-Api-Key", AgentKey);
                break;
            case Caller.SignedInAdmin:
                return _admin!.SendAsync(request);
        }

        return _client!.SendAsync(request);
    }

    public virtual async Task DisposeAsync()
    {
        _admin?.Dispose();
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
