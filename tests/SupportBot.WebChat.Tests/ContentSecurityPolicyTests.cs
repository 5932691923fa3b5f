using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.WebChat.Tests;

/// <summary>The bot's Content-Security-Policy in Chromium: Web Chat and the embed work under it, and no script of an attacker's runs on the bot's origin.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(BrowserHost host, ITestOutputHelper output)
{
    private const string Welcome = "I answer questions about Kakao Developers";
    private const string KeyHashAnswer = "This error occurs when the key hash value";
    private const string EmbedTitle = "Ask SupportBot";
    private const string DemoTitle = "Example Help Center · SupportBot demo";

    private static readonly LocatorAssertionsToBeVisibleOptions Answered = new() { Timeout = 30_000 };

    /// <summary>The script of finding 1, as written and with the rest of the line commented out (the old page appended "/embed.js").</summary>
    public static TheoryData<string> Attacks => new() { "data:text/javascript,document.title='pwned'", "data:text/javascript,document.title='pwned';//" };

    [Fact]
    public Task The_chat_and_the_demo_page_with_its_embed_on_the_bots_own_origin_work_without_a_policy_violation() => WithPageAsync(async page =>
    {
        var violations = await PolicyViolations.WatchAsync(page);

        var chatPage = await page.GotoAsync(host.Bot.ToString());
        Assert.Contains("script-src 'self';", chatPage!.Headers["content-security-policy"], StringComparison.Ordinal);
        await Expect(page.GetByText(Welcome).First).ToBeVisibleAsync(Answered);
        await AskAsync(page.Locator("body"), "keyhash mismatch android");
        await Expect(page.GetByText(KeyHashAnswer).First).ToBeVisibleAsync(Answered);

        await page.GotoAsync(new Uri(host.Bot, "/demo/helpdesk.html").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = $"Open {EmbedTitle}" }).ClickAsync(new() { Timeout = 30_000 });
        var chat = page.FrameLocator($"iframe[title='{EmbedTitle}']");
        await Expect(chat.GetByText(Welcome).First).ToBeVisibleAsync(Answered);
        await AskAsync(chat.Locator("body"), "keyhash mismatch android");
        await Expect(chat.GetByText(KeyHashAnswer).First).ToBeVisibleAsync(Answered);

        Assert.Empty(violations.Seen);
    });

    [Theory]
    [MemberData(nameof(Attacks))]
    public Task A_data_url_given_as_the_bot_of_the_demo_page_runs_no_script(string attack) => WithPageAsync(async page =>
    {
        // On the bot's own origin the server does not serve the page for a bot it does not know.
        var onBot = await page.GotoAsync($"{new Uri(host.Bot, "/demo/helpdesk.html")}?bot={Uri.EscapeDataString(attack)}");
        Assert.Equal(400, onBot!.Status);
        Assert.NotEqual("pwned", await page.TitleAsync());

        // Served by another site, without the bot's policy: the page's own script takes no data: URL.
        await page.GotoAsync($"{host.AllowedSite}helpdesk.html?bot={Uri.EscapeDataString(attack)}");
        var embedSource = await page.Locator("script[data-title]").GetAttributeAsync("src");
        Assert.Equal(new Uri(host.AllowedSite, "/embed.js").ToString(), embedSource);
        Assert.Equal(DemoTitle, await page.TitleAsync());
    });

    [Fact]
    public Task Script_put_into_a_page_of_the_bot_inline_or_from_a_data_url_is_refused_by_the_policy() => WithPageAsync(async page =>
    {
        await page.GotoAsync(new Uri(host.Bot, "/demo/helpdesk.html").ToString());

        // What an injection would add to the page; put in through the DevTools protocol, which the policy does not govern.
        foreach (var script in new[] { "s.textContent = \"document.title = 'pwned'\"", "s.src = \"data:text/javascript,document.title='pwned'\"" })
        {
            var refused = page.WaitForConsoleMessageAsync(new() { Predicate = m => m.Text.Contains("Content Security Policy", StringComparison.Ordinal), Timeout = 30_000 });
            await page.EvaluateAsync($"() => {{ const s = document.createElement('script'); {script}; document.body.appendChild(s); }}");
            await refused;
            Assert.Equal(DemoTitle, await page.TitleAsync());
        }
    });

    private static async Task AskAsync(ILocator root, string question)
    {
        var input = root.Locator("[data-id='webchat-sendbox-input']");
        await input.FillAsync(question, new() { Timeout = 30_000 });
        await input.PressAsync("Enter");
    }

    private async Task WithPageAsync(Func<IPage, Task> run)
    {
        var page = await host.NewPageAsync();
        page.Console += (_, message) => output.WriteLine($"browser console ({message.Type}): {message.Text}");
        try
        {
            await run(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
