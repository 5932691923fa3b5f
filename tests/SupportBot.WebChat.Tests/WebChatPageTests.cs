using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.WebChat.Tests;

/// <summary>The real Web Chat, in headless Chromium, over the host's own Direct Line.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WebChatPageTests(BrowserHost host, ITestOutputHelper output)
{
    // Web Chat typesets Markdown (I'm becomes I’m): match words without punctuation.
    private const string Welcome = "I answer questions about Kakao Developers";
    private const string KeyHashAnswer = "This error occurs when the key hash value";
    private const string FeedbackQuestion = "Did this answer your question?";
    private const string EmbedTitle = "Ask SupportBot";

    private static readonly LocatorAssertionsToBeVisibleOptions Answered = new() { Timeout = 30_000 };

    [Fact]
    public Task Opening_the_page_shows_the_welcome_with_the_topics_as_buttons() => WithPageAsync(nameof(Opening_the_page_shows_the_welcome_with_the_topics_as_buttons), async page =>
    {
        await page.GotoAsync(host.Bot.ToString());

        await Expect(page.GetByText(Welcome).First).ToBeVisibleAsync(Answered);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Kakao Login", Exact = true }).First).ToBeVisibleAsync(Answered);
    });

    [Fact]
    public Task A_typed_question_gets_its_FAQ_answer_and_No_brings_the_alternatives() => WithPageAsync(nameof(A_typed_question_gets_its_FAQ_answer_and_No_brings_the_alternatives), async page =>
    {
        await page.GotoAsync(host.Bot.ToString());
        await Expect(page.GetByText(Welcome).First).ToBeVisibleAsync(Answered);

        await AskAsync(page.Locator("body"), "keyhash mismatch android");
        await Expect(page.GetByText(KeyHashAnswer).First).ToBeVisibleAsync(Answered);
        await Expect(page.GetByText(FeedbackQuestion).First).ToBeVisibleAsync(Answered);

        await page.GetByRole(AriaRole.Button, new() { Name = "No", Exact = true }).First.ClickAsync();
        await Expect(page.GetByText("Maybe one of these?").First).ToBeVisibleAsync(Answered);
    });

    [Fact]
    public Task A_suggested_topic_clicked_lists_its_questions_and_one_of_them_answers() => WithPageAsync(nameof(A_suggested_topic_clicked_lists_its_questions_and_one_of_them_answers), async page =>
    {
        await page.GotoAsync(host.Bot.ToString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Kakao Login", Exact = true }).First.ClickAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByText("Questions about Kakao Login").First).ToBeVisibleAsync(Answered);

        await page.GetByRole(AriaRole.Button, new() { Name = "Invalid redirect" }).First.ClickAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByText(FeedbackQuestion).First).ToBeVisibleAsync(Answered);
    });

    [Fact]
    public Task Reloading_the_page_keeps_the_conversation_and_welcomes_once() => WithPageAsync(nameof(Reloading_the_page_keeps_the_conversation_and_welcomes_once), async page =>
    {
        await page.GotoAsync(host.Bot.ToString());
        await AskAsync(page.Locator("body"), "keyhash mismatch android");
        await Expect(page.GetByText(KeyHashAnswer).First).ToBeVisibleAsync(Answered);

        await page.ReloadAsync();

        await Expect(page.GetByText(KeyHashAnswer).First).ToBeVisibleAsync(Answered);
        // Counted in the transcript's bubbles: Web Chat also reads each message out in a live region.
        await Expect(page.Locator(".webchat__bubble__content", new() { HasText = Welcome })).ToHaveCountAsync(1);
    });

    [Fact]
    public Task The_help_desk_demo_on_another_origin_opens_the_chat_and_gets_an_answer() => WithPageAsync(nameof(The_help_desk_demo_on_another_origin_opens_the_chat_and_gets_an_answer), async page =>
    {
        await page.GotoAsync($"{host.AllowedSite}helpdesk.html?bot={Uri.EscapeDataString(BrowserHost.Origin(host.Bot))}");
        var launcher = page.GetByRole(AriaRole.Button, new() { Name = $"Open {EmbedTitle}" });

        await launcher.ClickAsync();
        var chat = page.FrameLocator($"iframe[title='{EmbedTitle}']");
        await Expect(chat.GetByText(Welcome).First).ToBeVisibleAsync(Answered);
        await AskAsync(chat.Locator("body"), "keyhash mismatch android");
        await Expect(chat.GetByText(KeyHashAnswer).First).ToBeVisibleAsync(Answered);
        await page.ScreenshotAsync(new() { Path = Screenshot("helpdesk-demo-open") });

        await chat.Locator("body").PressAsync("Escape");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Open {EmbedTitle}" })).ToHaveAttributeAsync("aria-expanded", "false");
    });

    [Fact]
    public Task A_site_not_in_the_allow_list_cannot_show_the_chat() => WithPageAsync(nameof(A_site_not_in_the_allow_list_cannot_show_the_chat), async page =>
    {
        await page.GotoAsync($"{host.OtherSite}helpdesk.html?bot={Uri.EscapeDataString(BrowserHost.Origin(host.Bot))}");
        var refused = page.WaitForConsoleMessageAsync(new() { Predicate = message => message.Text.Contains("frame-ancestors", StringComparison.Ordinal), Timeout = 30_000 });

        await page.GetByRole(AriaRole.Button, new() { Name = $"Open {EmbedTitle}" }).ClickAsync();

        await refused;
        await Expect(page.FrameLocator($"iframe[title='{EmbedTitle}']").Locator("#webchat")).ToHaveCountAsync(0);
    });

    [Fact]
    public Task A_browser_that_prefers_Korean_is_welcomed_in_Korean_and_answered_in_Korean() => WithPageAsync(nameof(A_browser_that_prefers_Korean_is_welcomed_in_Korean_and_answered_in_Korean), async page =>
    {
        await page.GotoAsync(host.Bot.ToString());

        await Expect(page.GetByText("카카오 디벨로퍼스의 플랫폼과 앱 설정").First).ToBeVisibleAsync(Answered);
        await AskAsync(page.Locator("body"), "키해시 오류 나요 안드로이드");
        await Expect(page.GetByText(KeyHashAnswer).First).ToBeVisibleAsync(Answered);
        await Expect(page.GetByText(FeedbackQuestion)).ToHaveCountAsync(0);
    }, locale: "ko-KR");

    [Fact]
    public Task A_token_service_failure_says_so_and_Try_again_starts_the_chat() => WithPageAsync(nameof(A_token_service_failure_says_so_and_Try_again_starts_the_chat), async page =>
    {
        // The first token request meets a busy service; the visitor's retry reaches the real one.
        var refused = 0;
        await page.RouteAsync("**/api/webchat/token", async route =>
        {
            if (Interlocked.Increment(ref refused) == 1)
            {
                await route.FulfillAsync(new() { Status = 503, ContentType = "application/problem+json", Body = "{\"status\":503}" });
                return;
            }

            await route.ContinueAsync();
        });
        await page.GotoAsync(host.Bot.ToString());

        var error = page.Locator("#chat-error");
        await Expect(error).ToContainTextAsync("the token service answered 503", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();

        await Expect(page.GetByText(Welcome).First).ToBeVisibleAsync(Answered);
        await Expect(error).ToBeHiddenAsync();
        Assert.Equal(2, Volatile.Read(ref refused));
    });

    [Fact]
    public Task Time_from_posting_a_question_to_the_answer_rendered_is_measured() => WithPageAsync(nameof(Time_from_posting_a_question_to_the_answer_rendered_is_measured), async page =>
    {
        // Measured, not asserted (the machine is shared): the median goes to the test output and to
        // TestResults/webchat-latency.txt for docs/performance.md.
        await page.GotoAsync(host.Bot.ToString());
        await Expect(page.GetByText(Welcome).First).ToBeVisibleAsync(Answered);
        var feedback = page.Locator(".webchat__bubble__content", new() { HasText = FeedbackQuestion });
        var times = new List<double>();
        for (var i = 0; i < 32; i++)
        {
            var input = page.Locator("[data-id='webchat-sendbox-input']");
            await input.FillAsync(i % 2 == 0 ? "keyhash mismatch android" : "how do i change the app owner");
            var started = Stopwatch.GetTimestamp();
            await input.PressAsync("Enter");
            await Expect(feedback).ToHaveCountAsync(i + 1, new() { Timeout = 30_000 });
            if (i >= 2)
            {
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        times.Sort();
        var median = times[times.Count / 2];
        var line = $"Web Chat, question posted to answer rendered: median {median:F0} ms, p90 {times[(int)(times.Count * 0.9)]:F0} ms over {times.Count} questions";
        output.WriteLine(line);
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(BrowserHost.ScreenshotFolder)!, "webchat-latency.txt"), line + Environment.NewLine);
        Assert.Equal(30, times.Count);
    });

    private static async Task AskAsync(ILocator root, string question)
    {
        var input = root.Locator("[data-id='webchat-sendbox-input']");
        await input.FillAsync(question, new() { Timeout = 30_000 });
        await input.PressAsync("Enter");
    }

    private static string Screenshot(string name) => Path.Combine(BrowserHost.ScreenshotFolder, $"{name}.png");

    /// <summary>Runs a scenario in a new visitor's page, with a screenshot at the end, or of the failure.</summary>
    private async Task WithPageAsync(string scenario, Func<IPage, Task> run, string? locale = null)
    {
        var page = await host.NewPageAsync(locale);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                output.WriteLine($"browser console: {message.Text}");
            }
        };
        try
        {
            await run(page);
            await page.ScreenshotAsync(new() { Path = Screenshot(scenario) });
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
