using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Newtonsoft.Json;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Tickets;
using SupportBot.Web.HelpDesk;

namespace SupportBot.Web.Tests.Agents;

/// <summary>
/// A host with two agents' keys (Ann and Bob), a help desk's tickets key, a recording relay in
/// place of the bot's, and a clock the presence tests move; handoffs are queued straight into its store.
/// </summary>
public sealed class AgentHost(TrainedModelFixture model) : IAsyncLifetime
{
    public const string Ann = "Ann";
    public const string Bob = "Bob";
    public const string AnnKey = "agent-ann-key-0123456789abcdef-0123";
    public const string BobKey = "agent-bob-key-0123456789abcdef-0123";
    public const string TicketsKey = "help-desk-key-0123456789abcdef-0123";

    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["HelpDesk:ApiKeys:0:Name"] = Ann,
        ["HelpDesk:ApiKeys:0:Key"] = AnnKey,
        ["HelpDesk:ApiKeys:0:Scopes:0"] = "agent",
        ["HelpDesk:ApiKeys:1:Name"] = Bob,
        ["HelpDesk:ApiKeys:1:Key"] = BobKey,
        ["HelpDesk:ApiKeys:1:Scopes:0"] = "agent",
        ["HelpDesk:ApiKeys:2:Name"] = "help-desk",
        ["HelpDesk:ApiKeys:2:Key"] = TicketsKey,
        ["HelpDesk:ApiKeys:2:Scopes:0"] = "tickets",
        ["HelpDesk:ApiKeys:2:Scopes:1"] = "conversations",
        ["HelpDesk:RequireApiKeyForFaq"] = "true",
        ["HelpDesk:PresenceTimeout"] = "00:01:00",
    };

    private SupportBotFactory? _factory;

    public SupportBotFactory Factory => _factory!;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public IHandoffStore Store => Factory.Services.GetRequiredService<IHandoffStore>();

    public RecordingRelay Relay => (RecordingRelay)Factory.Services.GetRequiredService<IHandoffRelay>();

    public async Task InitializeAsync()
    {
        _factory = SupportBotFactory.WithSettings(model, Settings, services: services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.RemoveAll<IHandoffRelay>();
            services.AddSingleton<IHandoffRelay>(sp => new RecordingRelay(sp.GetRequiredService<IHandoffStore>()));
        });
        using var client = await _factory.CreateReadyClientAsync();
    }

    /// <summary>A client that sends this key on every request.</summary>
    public HttpClient Client(string? key)
    {
        var client = Factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add(ApiKeys.Header, key);
        }

        return client;
    }

    /// <summary>Queues a conversation of its own, as the bot does when the user asks for a person.</summary>
    public Task<Handoff> QueueAsync(string question = "How do I log out of Kakao Login?") =>
        Store.QueueAsync(
            new NewHandoff(
                "directline",
                "agent-test-" + Guid.NewGuid().ToString("N"),
                "user-1",
                "Jisoo",
                "en",
                "{}",
                [new TicketQuestion(question, "fallback", null, null)]),
            Clock.GetUtcNow());

    /// <summary>A handoff that Ann holds.</summary>
    public async Task<Handoff> AcceptedByAnnAsync()
    {
        var handoff = await QueueAsync();
        var change = await Store.AcceptAsync(handoff.Id, Ann, Clock.GetUtcNow());
        return change.Handoff!;
    }

    /// <summary>Appends a user's message to the handoff's log, as the bot does while an agent has it.</summary>
    public Task<long> UserSaysAsync(string handoffId, string text) =>
        Store.AppendAsync(handoffId, JsonConvert.SerializeObject(new Activity
        {
            Type = ActivityTypes.Message,
            Text = text,
            From = new ChannelAccount("user-1", "Jisoo", RoleTypes.User),
        }));

    public static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonNode>())!;

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
