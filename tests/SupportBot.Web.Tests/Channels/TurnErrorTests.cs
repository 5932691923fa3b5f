using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Bot.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SupportBot.Web.Tests.Channels;

/// <summary>A turn that throws is handled once, on the adapter: logged, the user told, the conversation state cleared, a trace for the Emulator.</summary>
[Collection(WebHostCollection.Name)]
public sealed class TurnErrorTests(SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    [Fact]
    public async Task A_failing_turn_tells_the_user_clears_the_conversation_and_answers_200()
    {
        await using var failing = host.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddTransient<IBot, FailingBot>()));
        using var client = failing.CreateClient();
        var conversation = $"conv-{Guid.NewGuid():N}";
        var stateKey = $"emulator/conversations/{conversation}";
        var storage = failing.Services.GetRequiredService<IStorage>();
        await storage.WriteAsync(new Dictionary<string, object> { [stateKey] = new Dictionary<string, object> { ["step"] = "broken" } });

        using var response = await client.PostActivityAsync(
            Activities.Message("http://127.0.0.1:9", conversation, "logout fails", expectReplies: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var activities = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["activities"]!.AsArray();
        Assert.Contains(activities, a => (string?)a!["type"] == "message" && ((string?)a["text"])!.Contains("something went wrong", StringComparison.Ordinal));
        Assert.Contains(activities, a => (string?)a!["type"] == "trace" && (string?)a["label"] == "TurnError");
        Assert.Empty(await storage.ReadAsync([stateKey]));
    }

    private sealed class FailingBot : IBot
    {
        public Task OnTurnAsync(ITurnContext turnContext, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The bot failed on purpose.");
    }
}
