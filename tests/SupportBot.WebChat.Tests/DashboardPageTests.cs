using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using SupportBot.Bot.Insights;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SupportBot.WebChat.Tests;

/// <summary>The admin dashboard in headless Chromium: sign in, charts of a seeded conversation set, assign an unanswered question, retrain, and the chat answers it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardPageTests(BrowserHost browser, DashboardHost dashboard, ITestOutputHelper output) : IClassFixture<DashboardHost>
{
    // Words no FAQ entry has, so the model in service falls back on them; two earlier askers' wordings and the one typed in the chat.
    private const string Unanswered = "zorblat quenching fails on my vextor app";
    private static readonly string[] EarlierWordings = ["vextor app zorblat quenching failure", "zorblat quenching keeps failing in vextor"];

    private const string Entry = "login-error-message";
    private const string EntryAnswer = "you can figure out its cause through the error message in the response";
    private const string FallbackStart = "Sorry";
    private const string Welcome = "I answer questions about Kakao Developers";

    private static readonly LocatorAssertionsToBeVisibleOptions Answered = new() { Timeout = 30_000 };

    [Fact]
    public async Task An_admin_signs_in_sees_the_charts_assigns_an_unanswered_question_retrains_and_the_bot_answers_it_next()
    {
        await SeedAsync();
        var chat = await browser.NewPageAsync();
        var admin = await browser.NewPageAsync();
        LogConsoleErrors(chat);
        LogConsoleErrors(admin);
        var violations = new[] { await PolicyViolations.WatchAsync(chat), await PolicyViolations.WatchAsync(admin) };
        try
        {
            // A user asks what the bot cannot answer yet.
            await chat.GotoAsync(dashboard.Bot.ToString());
            await Expect(chat.GetByText(Welcome).First).ToBeVisibleAsync(Answered);
            await AskAsync(chat, Unanswered);
            await Expect(chat.GetByText(FallbackStart).Last).ToBeVisibleAsync(Answered);

            // Sign in: a wrong password first.
            await admin.GotoAsync(new Uri(dashboard.Bot, "/admin").ToString());
            await admin.Locator("#password").FillAsync("not the password");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(admin.GetByText("That is not the admin password.")).ToBeVisibleAsync();
            await admin.Locator("#password").FillAsync(DashboardHost.Password);
            await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            // The charts render the seeded conversations and the chat's question.
            foreach (var chart in new[] { "per-day-chart", "outcomes-chart", "feedback-chart", "top-entries-chart", "handoffs-chart" })
            {
                await Expect(admin.Locator($"#{chart}[data-rendered='true']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            }

            await Expect(admin.Locator("#totals")).ToContainTextAsync("5 conversations, 9 questions, 66.7% helpful");
            await Expect(admin.Locator("#handoff-totals")).ToContainTextAsync("0 handoffs, median wait none yet");
            // The chat came over the self-hosted Direct Line; the seeded rows carry no channel.
            await Expect(admin.Locator("#channels tbody tr", new() { HasText = "directline" })).ToHaveCountAsync(1);
            await Expect(admin.Locator("#channels tbody tr", new() { HasText = "unknown" })).ToContainTextAsync("8");
            await admin.ScreenshotAsync(new() { Path = Screenshot("dashboard-charts"), FullPage = true });

            // The three wordings are one group, offered with the closest entry; assign it.
            var group = admin.Locator(".review-group", new() { HasText = Unanswered });
            await Expect(group.Locator(".review-question")).ToHaveCountAsync(3, new() { Timeout = 30_000 });
            await group.Locator("select.entry").SelectOptionAsync(Entry);
            await group.Locator("button.assign").ClickAsync();
            await Expect(admin.Locator("#review-message")).ToContainTextAsync("Assigned 3 question(s) to " + Entry);
            await Expect(admin.Locator(".review-group", new() { HasText = Unanswered })).ToHaveCountAsync(0);

            // Retrain: the new model answers without a restart, with the accuracy before and after.
            await admin.Locator("#retrain").ClickAsync();
            await Expect(admin.Locator("#retrain-status[data-state='succeeded']")).ToHaveCountAsync(1, new() { Timeout = 180_000 });
            await Expect(admin.Locator("#retrain-status")).ToContainTextAsync("before");
            await Expect(admin.Locator("#retrain-status")).ToContainTextAsync("after");
            await admin.ScreenshotAsync(new() { Path = Screenshot("dashboard-retrained"), FullPage = true });

            await AskAsync(chat, Unanswered);
            await Expect(chat.GetByText(EntryAnswer).Last).ToBeVisibleAsync(Answered);
            await chat.ScreenshotAsync(new() { Path = Screenshot("dashboard-question-answered") });

            // All of it under the host's Content-Security-Policy, which runs only its own script files.
            Assert.Empty(violations.SelectMany(v => v.Seen));
        }
        catch
        {
            await admin.ScreenshotAsync(new() { Path = Screenshot("dashboard-failed"), FullPage = true });
            await chat.ScreenshotAsync(new() { Path = Screenshot("dashboard-chat-failed") });
            throw;
        }
        finally
        {
            await chat.Context.CloseAsync();
            await admin.Context.CloseAsync();
        }
    }

    /// <summary>Four earlier conversations: answers with feedback on two days, and two wordings of the question the bot could not answer.</summary>
    private async Task SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        AskedQuestion Asked(string id, string conversation, TimeSpan ago, string text, string outcome, string? entry, string? feedback) =>
            new(id, conversation, now - ago, text, "en-US", outcome, entry, 0.9, entry ?? Entry, feedback);
        await dashboard.Services.GetRequiredService<IQuestionInsights>().SaveAsync(
        [
            Asked("s1", "seed-1", TimeSpan.FromDays(2), "keyhash mismatch android", QuestionOutcomes.Answer, "android-keyhash-mismatch", QuestionFeedback.Helpful),
            Asked("s2", "seed-1", TimeSpan.FromDays(2), "hello", QuestionOutcomes.SmallTalk, null, null),
            Asked("s3", "seed-2", TimeSpan.FromDays(1), "invalid redirect error", QuestionOutcomes.Answer, "invalid-redirect-error", QuestionFeedback.Helpful),
            Asked("s4", "seed-2", TimeSpan.FromDays(1), "key hash error on android", QuestionOutcomes.Answer, "android-keyhash-mismatch", QuestionFeedback.Unhelpful),
            Asked("s5", "seed-3", TimeSpan.FromHours(2), EarlierWordings[0], QuestionOutcomes.Fallback, null, null),
            Asked("s6", "seed-4", TimeSpan.FromHours(1), EarlierWordings[1], QuestionOutcomes.Fallback, null, null),
            Asked("s7", "seed-4", TimeSpan.FromHours(1), "talk to a person", QuestionOutcomes.Handoff, null, null),
            Asked("s8", "seed-4", TimeSpan.FromHours(1), "what is kakao sync", QuestionOutcomes.Clarify, null, null),
        ]);
    }

    private static async Task AskAsync(IPage page, string question)
    {
        var input = page.Locator("[data-id='webchat-sendbox-input']");
        await input.FillAsync(question, new() { Timeout = 30_000 });
        await input.PressAsync("Enter");
    }

    private void LogConsoleErrors(IPage page) => page.Console += (_, message) =>
    {
        if (message.Type == "error")
        {
            output.WriteLine($"browser console: {message.Text}");
        }
    };

    private static string Screenshot(string name) => Path.Combine(BrowserHost.ScreenshotFolder, $"{name}.png");
}
