using System.Collections.Concurrent;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using Newtonsoft.Json;
using SupportBot.Bot.Handoffs;
using SupportBot.Bot.Tickets;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.WebChat.Tests;

/// <summary>The agent console in headless Chromium: sign in with an agent key, take a waiting user, read and answer them, end; no CSP violation on the way.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AgentConsolePageTests(BrowserHost browser, AgentConsoleHost host, ITestOutputHelper output) : IClassFixture<AgentConsoleHost>
{
    private const string Question = "How do I log out of Kakao Login?";
    private const string BotAnswer = "I could not find an answer to that.";
    private const string UserMessage = "I still cannot log out on Android";
    private const string Reply = "Call UserApiClient.logout(), then clear your session.";

    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 15_000 };

    [Fact]
    public async Task An_agent_signs_in_accepts_a_waiting_user_reads_them_replies_and_ends()
    {
        var handoff = await host.QueueAsync(Question, BotAnswer);
        var page = await browser.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                output.WriteLine($"browser console: {message.Text}");
            }
        };
        var violations = await PolicyViolations.WatchAsync(page);
        try
        {
            await page.GotoAsync(new Uri(host.Bot, "/agent").ToString());
            await page.Locator("#key").FillAsync(AgentConsoleHost.AgentKey);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.Locator("#agent-name")).ToHaveTextAsync(AgentConsoleHost.Agent);
            await Expect(page.Locator("#presence")).ToHaveValueAsync("online", new() { Timeout = 15_000 });

            // The queue, and the user's conversation with the bot before the handoff.
            var waiting = page.Locator($"#waiting button[data-id='{handoff.Id}']");
            await Expect(waiting).ToBeVisibleAsync(Soon);
            await Expect(waiting).ToContainTextAsync(Question);
            await waiting.ClickAsync();
            await Expect(page.Locator("#history .message.user", new() { HasText = Question })).ToBeVisibleAsync(Soon);
            await Expect(page.Locator("#history .message.bot", new() { HasText = BotAnswer })).ToBeVisibleAsync(Soon);
            await Expect(page.Locator("#suggestions .suggestion").First).ToBeVisibleAsync(Soon);

            await page.Locator("#accept").ClickAsync();
            await Expect(page.Locator("#handoff-title")).ToContainTextAsync("active", new() { Timeout = 15_000 });
            await Expect(page.Locator($"#active button[data-id='{handoff.Id}']")).ToBeVisibleAsync(Soon);

            // The user writes: the long poll brings it, and the suggestions follow it.
            await host.UserSaysAsync(handoff.Id, UserMessage);
            await Expect(page.Locator("#live .message.user", new() { HasText = UserMessage })).ToBeVisibleAsync(Soon);
            await Expect(page.Locator("#suggestions-for")).ToContainTextAsync(UserMessage, new() { Timeout = 15_000 });

            await page.Locator("#reply-text").FillAsync(Reply);
            await page.Locator("#send").ClickAsync();
            await Expect(page.Locator("#live .message.agent", new() { HasText = Reply })).ToBeVisibleAsync(Soon);
            await page.ScreenshotAsync(new() { Path = Screenshot("agent-console"), FullPage = true });

            await page.Locator("#end").ClickAsync();
            await Expect(page.Locator("#handoff-title")).ToContainTextAsync("ended", new() { Timeout = 15_000 });

            var calls = host.Relay.Calls.Where(c => c.Handoff.Id == handoff.Id).ToList();
            Assert.Equal(nameof(IHandoffRelay.AcceptedAsync), calls[0].Call);
            Assert.Contains(calls, c => c.Call == nameof(IHandoffRelay.SendFromAgentAsync) && c.Activity?.Text == Reply);
            Assert.Equal(nameof(IHandoffRelay.EndedAsync), calls[^1].Call);
            Assert.Equal(HandoffStatus.Ended, (await host.Store.FindAsync(handoff.Id))!.Status);
            Assert.Empty(violations.Seen);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Screenshot("agent-console-failed"), FullPage = true });
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static string Screenshot(string name) => Path.Combine(BrowserHost.ScreenshotFolder, $"{name}.png");
}

/// <summary>A SupportBot of its own for the agent console's browser test: an agent key, and a relay that records what the console asked of the bot.</summary>
public sealed class AgentConsoleHost : IAsyncLifetime
{
    public const string Agent = "Minji";
    public const string AgentKey = "agent-console-browser-key-0123456789";

    private readonly string _directory = Directory.CreateTempSubdirectory("supportbot-agent-tests-").FullName;
    private BrowserHost.Factory? _bot;

    public Uri Bot { get; private set; } = null!;

    public RecordingRelay Relay => (RecordingRelay)_bot!.Services.GetRequiredService<IHandoffRelay>();

    public IHandoffStore Store => _bot!.Services.GetRequiredService<IHandoffStore>();

    public async Task InitializeAsync()
    {
        var data = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);
        var modelPath = Path.Combine(Path.GetTempPath(), "supportbot-tests", $"model-{IntentModelFile.Fingerprint(data)}.zip");
        IntentModelFile.LoadOrTrain(data, modelPath, NullLoggerFactory.Instance);
        _bot = new BrowserHost.Factory(
            new Dictionary<string, string?>
            {
                ["Classifier:ModelPath"] = modelPath,
                ["Storage:Provider"] = "Sqlite",
                ["Storage:Sqlite:Path"] = Path.Combine(_directory, "supportbot.db"),
                ["DirectLine:Secret"] = "agent-test-directline-secret-0123456789abcdef",
                ["HelpDesk:ApiKeys:0:Name"] = Agent,
                ["HelpDesk:ApiKeys:0:Key"] = AgentKey,
                ["HelpDesk:ApiKeys:0:Scopes:0"] = "agent",
                ["Logging:LogLevel:Default"] = "Warning",
            },
            services => services.AddSingleton<IHandoffRelay>(sp => new RecordingRelay(sp.GetRequiredService<IHandoffStore>())));
        _bot.UseKestrel(0);
        _bot.StartServer();
        Bot = BrowserHost.LoopbackAddress(_bot.Services);
        await BrowserHost.WaitUntilReadyAsync(Bot);
    }

    /// <summary>A user who asked the bot a question, got an answer, and asked for a person.</summary>
    public async Task<Handoff> QueueAsync(string question, string botAnswer)
    {
        var conversationId = "agent-browser-" + Guid.NewGuid().ToString("N");
        var transcripts = _bot!.Services.GetRequiredService<ITranscriptStore>();
        var now = DateTimeOffset.UtcNow;
        await transcripts.LogActivityAsync(Message(conversationId, question, RoleTypes.User, now.AddSeconds(-2)));
        await transcripts.LogActivityAsync(Message(conversationId, botAnswer, RoleTypes.Bot, now.AddSeconds(-1)));
        return await Store.QueueAsync(
            new NewHandoff("directline", conversationId, "user-1", "Jisoo", "en", "{}", [new TicketQuestion(question, "fallback", null, null)]),
            now);
    }

    public Task<long> UserSaysAsync(string handoffId, string text) =>
        Store.AppendAsync(handoffId, JsonConvert.SerializeObject(new Activity
        {
            Type = ActivityTypes.Message,
            Text = text,
            From = new ChannelAccount("user-1", "Jisoo", RoleTypes.User),
        }));

    private static Activity Message(string conversationId, string text, string role, DateTimeOffset at) => new()
    {
        Type = ActivityTypes.Message,
        Id = Guid.NewGuid().ToString("N"),
        Timestamp = at,
        ChannelId = "directline",
        Conversation = new ConversationAccount(id: conversationId),
        From = new ChannelAccount(role == RoleTypes.User ? "user-1" : "bot", role: role),
        Recipient = new ChannelAccount(role == RoleTypes.User ? "bot" : "user-1", role: role == RoleTypes.User ? RoleTypes.Bot : RoleTypes.User),
        Text = text,
    };

    public Task DisposeAsync()
    {
        _bot?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite connection may still hold the file; the temp folder is cleaned later.
        }

        return Task.CompletedTask;
    }
}

/// <summary>The bot's side as the console sees it: records each call and appends the agent's activities to the log, as the real relay does.</summary>
public sealed class RecordingRelay(IHandoffStore store) : IHandoffRelay
{
    public ConcurrentQueue<(string Call, Handoff Handoff, Activity? Activity)> Calls { get; } = new();

    public Task AcceptedAsync(Handoff handoff, CancellationToken cancellationToken = default) => Record(nameof(AcceptedAsync), handoff);

    public async Task SendFromAgentAsync(Handoff handoff, Activity activity, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((nameof(SendFromAgentAsync), handoff, activity));
        await store.AppendAsync(handoff.Id, JsonConvert.SerializeObject(activity), cancellationToken);
    }

    public Task EndedAsync(Handoff handoff, CancellationToken cancellationToken = default) => Record(nameof(EndedAsync), handoff);

    public Task TimedOutAsync(Handoff handoff, CancellationToken cancellationToken = default) => Record(nameof(TimedOutAsync), handoff);

    private Task Record(string call, Handoff handoff)
    {
        Calls.Enqueue((call, handoff, null));
        return Task.CompletedTask;
    }
}
