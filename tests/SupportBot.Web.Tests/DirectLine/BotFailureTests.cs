using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>What a Direct Line client sees when the bot fails: the adapter's apology, or a 502 when even the adapter cannot run the turn.</summary>
[Collection(WebHostCollection.Name)]
public sealed class BotFailureTests(SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    [Fact]
    public async Task A_bot_that_throws_is_handled_by_the_adapter_and_the_client_reads_its_apology()
    {
        await using var failing = host.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddTransient<IBot, ThrowingBot>()));
        var calls = new DirectLineCalls(failing.CreateClient());
        var conversation = await calls.StartAsync();

        var id = await calls.SayAsync(conversation, "keyhash mismatch android");

        var (activities, _) = await calls.GetActivitiesAsync(conversation);
        Assert.Contains(activities, a => a.IsBotMessage() && (string?)a["replyToId"] == id && a.Text()!.Contains("something went wrong", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_turn_cannot_run_the_post_answers_502_and_the_activity_is_kept()
    {
        await using var broken = host.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<BotAdapter, UnavailableAdapter>()));
        var calls = new DirectLineCalls(broken.CreateClient());
        var generated = await calls.GenerateTokenAsync();
        var (started, body) = await calls.SendAsync(HttpMethod.Post, "/conversations", (string)generated["token"]!);
        var conversation = new StartedConversation((string)body["conversationId"]!, (string)body["token"]!, DirectLineCalls.TokenUser((string)body["token"]!), (string)body["streamUrl"]!);

        var (status, error) = await calls.PostAsync(conversation, "hello");

        Assert.Equal(HttpStatusCode.Created, started);
        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal("BotError", (string?)error["error"]?["code"]);
        Assert.Equal(["hello"], (await calls.GetActivitiesAsync(conversation)).Activities.Select(a => a.Text()));
    }

    private sealed class ThrowingBot : IBot
    {
        public Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default) =>
            turnContext.Activity.Type == ActivityTypes.Message ? throw new InvalidOperationException("The bot failed on purpose.") : Task.CompletedTask;
    }

    /// <summary>An adapter that cannot run turns at all, as when the bot's process is gone.</summary>
    private sealed class UnavailableAdapter : BotAdapter
    {
        public override Task<InvokeResponse> ProcessActivityAsync(ClaimsIdentity claimsIdentity, Activity activity, BotCallbackHandler callback, CancellationToken cancellationToken) =>
            throw new HttpRequestException("The bot is unavailable.");

        public override Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken) =>
            throw new HttpRequestException("The bot is unavailable.");

        public override Task<ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, Activity activity, CancellationToken cancellationToken) =>
            throw new HttpRequestException("The bot is unavailable.");

        public override Task DeleteActivityAsync(ITurnContext turnContext, ConversationReference reference, CancellationToken cancellationToken) =>
            throw new HttpRequestException("The bot is unavailable.");
    }
}
