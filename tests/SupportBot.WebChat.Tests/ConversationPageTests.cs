using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.WebChat.Tests;

/// <summary>The admin Conversations view in headless Chromium: a user chats in Web Chat, the admin signs in, finds the conversation by its text, and reads it with the decision beside the question.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConversationPageTests(BrowserHost browser, DashboardHost dashboard, ITestOutputHelper output) : IClassFixture<DashboardHost>
{
    private const string Question = "keyhash mismatch android";
    private const string AnswerStart = "This error occurs when the key hash value";
    private const string Welcome = "I answer questions about Kakao Developers";

    private static readonly LocatorAssertionsToBeVisibleOptions Answered = new() { Timeout = 30_000 };

    [Fact]
    public async Task An_admin_searches_a_conversation_by_its_text_and_reads_it_with_the_decision_beside_the_question()
    {
        var chat = await browser.NewPageAsync();
        var admin = await browser.NewPageAsync();
        admin.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                output.WriteLine($"browser console: {message.Text}");
            }
        };
        var violations = await PolicyViolations.WatchAsync(admin);
        try
        {
            await chat.GotoAsync(dashboard.Bot.ToString());
            await Expect(chat.GetByText(Welcome).First).ToBeVisibleAsync(Answered);
            var input = chat.Locator("[data-id='webchat-sendbox-input']");
            await input.FillAsync(Question, new() { Timeout = 30_000 });
            await input.PressAsync("Enter");
            await Expect(chat.GetByText(AnswerStart).Last).ToBeVisibleAsync(Answered);

            await admin.GotoAsync(new Uri(dashboard.Bot, "/admin").ToString());
            await admin.Locator("#password").FillAsync(DashboardHost.Password);
            await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await admin.GetByRole(AriaRole.Link, new() { Name = "Conversations" }).ClickAsync();

            await admin.Locator("#search input[name='text']").FillAsync("KEYHASH mismatch");
            await admin.Locator("#search select[name='outcome']").SelectOptionAsync("answer");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
            var row = admin.Locator("#conversations tbody tr", new() { HasText = "directline" });
            await Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await Expect(row).ToContainTextAsync("answer");
            await admin.ScreenshotAsync(new() { Path = Screenshot("conversations-search"), FullPage = true });

            await row.Locator("a").ClickAsync();
            var question = admin.Locator(".transcript .message.user", new() { HasText = Question });
            await Expect(question.Locator(".decision .outcome")).ToHaveTextAsync("answer");
            await Expect(question.Locator(".decision .entry")).ToHaveTextAsync("android-keyhash-mismatch");
            await Expect(question.Locator(".decision .score")).ToHaveTextAsync(new Regex(@"^score [01]\.\d\d$"));
            await Expect(admin.Locator(".transcript .message.bot", new() { HasText = AnswerStart }).First).ToBeVisibleAsync();
            await Expect(admin.Locator("#export")).ToHaveAttributeAsync("href", new Regex("/transcript$"));
            await admin.ScreenshotAsync(new() { Path = Screenshot("conversations-transcript"), FullPage = true });

            // The .transcript download, under the admin cookie.
            var download = await admin.RunAndWaitForDownloadAsync(() => admin.Locator("#export").ClickAsync());
            Assert.EndsWith(".transcript", download.SuggestedFilename, StringComparison.Ordinal);
            Assert.Contains(Question, await File.ReadAllTextAsync(await download.PathAsync()), StringComparison.Ordinal);

            Assert.Empty(violations.Seen);
        }
        catch
        {
            await admin.ScreenshotAsync(new() { Path = Screenshot("conversations-failed"), FullPage = true });
            throw;
        }
        finally
        {
            await chat.Context.CloseAsync();
            await admin.Context.CloseAsync();
        }
    }

    private static string Screenshot(string name) => Path.Combine(BrowserHost.ScreenshotFolder, $"{name}.png");
}
