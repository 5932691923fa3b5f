using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using SupportBot.Core.Classification;
using SupportBot.Core.Knowledge;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.WebChat.Tests;

/// <summary>
/// A live handoff end to end: the user in the real Web Chat over the host's Direct Line, the agent on
/// the agent API of the same host, the real relay between them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveHandoffPageTests(BrowserHost browser, LiveHandoffHost host, ITestOutputHelper output) : IClassFixture<LiveHandoffHost>
{
    // Web Chat typesets Markdown (You're becomes You’re): match words without punctuation.
    private const string Welcome = "I answer questions about Kakao Developers";
    private const string AskForPerson = "Talk to a person";
    private const string LiveChatOffer = "An agent is online and can chat with you right here";
    private const string TicketOffer = "Shall I create a ticket for our support team";

    private static readonly LocatorAssertionsToBeVisibleOptions Soon = new() { Timeout = 30_000 };

    [Fact]
    public Task A_user_asks_for_a_person_an_agent_accepts_they_talk_the_agent_ends_and_the_user_rates_it() => WithPageAsync(nameof(A_user_asks_for_a_person_an_agent_accepts_they_talk_the_agent_ends_and_the_user_rates_it), async page =>
    {
        using var agent = host.Agent();
        await SetPresenceAsync(agent, "online");

        await page.GotoAsync(host.Bot.ToString());
        await Expect(page.GetByText(Welcome).First).ToBeVisibleAsync(Soon);
        await SayAsync(page, AskForPerson);
        await Expect(page.GetByText(LiveChatOffer).First).ToBeVisibleAsync(Soon);
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes", Exact = true }).Last.ClickAsync();
        await Expect(page.GetByText("number 1 in the queue").First).ToBeVisibleAsync(Soon);

        var waiting = await GetArrayAsync(agent, "/api/v1/handoffs?status=waiting");
        var id = Assert.Single(waiting).GetProperty("id").GetString()!;
        using (var accepted = await agent.PostAsync($"/api/v1/handoffs/{id}/accept", content: null))
        {
            Assert.True(accepted.IsSuccessStatusCode, $"accept answered {(int)accepted.StatusCode}");
            Assert.Equal("active", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        await Expect(page.GetByText($"{LiveHandoffHost.AgentName} joined the conversation").First).ToBeVisibleAsync(Soon);

        // Two messages each way: the agent reads the user's through the long poll, after a watermark.
        var watermark = "0";
        foreach (var (question, reply) in new[]
        {
            ("My Kakao Login button does nothing on Android", "Hello, I am looking at your app settings now."),
            ("It still does nothing after a restart", "Thanks, your redirect URI is missing; add it and try again."),
        })
        {
            await SayAsync(page, question);
            watermark = await ReadUntilAsync(agent, id, watermark, question);

            await agent.PostAsJsonAsync($"/api/v1/handoffs/{id}/activities", new { type = "typing" });
            await Expect(page.Locator(".webchat__typing-indicator").First).ToBeVisibleAsync(Soon);
            using var posted = await agent.PostAsJsonAsync($"/api/v1/handoffs/{id}/activities", new { type = "message", text = reply });
            Assert.True(posted.IsSuccessStatusCode, $"posting answered {(int)posted.StatusCode}");

            var bubble = page.Locator(".webchat__bubble__content", new() { HasText = reply });
            await Expect(bubble).ToBeVisibleAsync(Soon);
        }

        // The agent's messages carry their name; the bot's own do not.
        await Expect(page.GetByText($"Agent {LiveHandoffHost.AgentName}").First).ToBeVisibleAsync(Soon);
        await page.ScreenshotAsync(new() { Path = Screenshot("live-handoff-with-agent") });

        using (var ended = await agent.PostAsync($"/api/v1/handoffs/{id}/end", content: null))
        {
            Assert.True(ended.IsSuccessStatusCode, $"end answered {(int)ended.StatusCode}");
        }

        await Expect(page.GetByText("back with SupportBot").First).ToBeVisibleAsync(Soon);
        await Expect(page.GetByText("How satisfied are you with the help you got").First).ToBeVisibleAsync(Soon);
        foreach (var score in new[] { "1", "2", "3", "4" })
        {
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = score, Exact = true }).Last).ToBeVisibleAsync(Soon);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "5", Exact = true }).Last.ClickAsync();
        await Expect(page.GetByText("Thank you for your feedback").First).ToBeVisibleAsync(Soon);

        var rated = (await GetArrayAsync(agent, "/api/v1/handoffs?status=ended")).Single(h => h.GetProperty("id").GetString() == id);
        Assert.Equal(5, rated.GetProperty("satisfaction").GetInt32());
        Assert.Equal(LiveHandoffHost.AgentName, rated.GetProperty("agent").GetString());
    });

    [Fact]
    public Task With_no_agent_online_asking_for_a_person_offers_a_ticket() => WithPageAsync(nameof(With_no_agent_online_asking_for_a_person_offers_a_ticket), async page =>
    {
        using var agent = host.Agent();
        await SetPresenceAsync(agent, "offline");

        await page.GotoAsync(host.Bot.ToString());
        await Expect(page.GetByText(Welcome).First).ToBeVisibleAsync(Soon);
        await SayAsync(page, AskForPerson);

        await Expect(page.GetByText(TicketOffer).First).ToBeVisibleAsync(Soon);
        await Expect(page.GetByText(LiveChatOffer)).ToHaveCountAsync(0);
        Assert.Empty(await GetArrayAsync(agent, "/api/v1/handoffs?status=waiting"));
    });

    private static async Task SayAsync(IPage page, string text)
    {
        var input = page.Locator("[data-id='webchat-sendbox-input']");
        await input.FillAsync(text, new() { Timeout = 30_000 });
        await input.PressAsync("Enter");
    }

    private static async Task SetPresenceAsync(HttpClient agent, string status)
    {
        using var response = await agent.PutAsJsonAsync("/api/v1/agents/me/presence", new { status });
        Assert.True(response.IsSuccessStatusCode, $"presence answered {(int)response.StatusCode}");
    }

    private static async Task<List<JsonElement>> GetArrayAsync(HttpClient agent, string path) =>
        (await agent.GetFromJsonAsync<JsonElement>(path)).EnumerateArray().ToList();

    /// <summary>Long-polls the handoff's activities from a watermark until the user's text arrives; the watermark after it.</summary>
    private static async Task<string> ReadUntilAsync(HttpClient agent, string id, string watermark, string text)
    {
        // Bounded by polls, not by time: each poll waits for news on the server's side.
        for (var poll = 0; poll < 10; poll++)
        {
            var page = await agent.GetFromJsonAsync<JsonElement>($"/api/v1/handoffs/{id}/activities?watermark={watermark}&wait=10");
            watermark = page.GetProperty("watermark").GetString()!;
            if (page.GetProperty("activities").EnumerateArray().Any(a =>
                a.TryGetProperty("text", out var said) && said.GetString() == text))
            {
                return watermark;
            }
        }

        throw new Xunit.Sdk.XunitException($"The agent never read \"{text}\" from handoff {id}.");
    }

    private static string Screenshot(string name) => Path.Combine(BrowserHost.ScreenshotFolder, $"{name}.png");

    /// <summary>Runs a scenario in a new visitor's page, watching for CSP violations, with a screenshot at the end or of the failure.</summary>
    private async Task WithPageAsync(string scenario, Func<IPage, Task> run)
    {
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
            await run(page);
            await page.ScreenshotAsync(new() { Path = Screenshot(scenario) });
            Assert.Empty(violations.Seen);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Screenshot($"{scenario}-failed") });
            throw;
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}

/// <summary>A SupportBot of its own for live handoff in the browser: an agent key, the real relay and Direct Line.</summary>
public sealed class LiveHandoffHost : IAsyncLifetime
{
    public const string AgentName = "Minji";
    private const string AgentKey = "live-handoff-browser-agent-key-0123456789";

    private readonly string _directory = Directory.CreateTempSubdirectory("supportbot-handoff-tests-").FullName;
    private BrowserHost.Factory? _bot;

    public Uri Bot { get; private set; } = null!;

    /// <summary>The agent's client of the agent API, with their key.</summary>
    public HttpClient Agent()
    {
        var client = new HttpClient { BaseAddress = Bot };
        client.DefaultRequestHeaders.Add("X-Api-Key", AgentKey);
        return client;
    }

    public async Task InitializeAsync()
    {
        var data = TrainingDataPaths.Locate(startDirectory: AppContext.BaseDirectory);
        var modelPath = Path.Combine(Path.GetTempPath(), "supportbot-tests", $"model-{IntentModelFile.Fingerprint(data)}.zip");
        IntentModelFile.LoadOrTrain(data, modelPath, NullLoggerFactory.Instance);
        _bot = new BrowserHost.Factory(new Dictionary<string, string?>
        {
            ["Classifier:ModelPath"] = modelPath,
            ["Storage:Provider"] = "Sqlite",
            ["Storage:Sqlite:Path"] = Path.Combine(_directory, "supportbot.db"),
            ["DirectLine:Secret"] = "handoff-test-directline-secret-0123456789abcdef",
            ["HelpDesk:ApiKeys:0:Name"] = AgentName,
            ["HelpDesk:ApiKeys:0:Key"] = AgentKey,
            ["HelpDesk:ApiKeys:0:Scopes:0"] = "agent",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _bot.UseKestrel(0);
        _bot.StartServer();
        Bot = BrowserHost.LoopbackAddress(_bot.Services);
        await BrowserHost.WaitUntilReadyAsync(Bot);
    }

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
