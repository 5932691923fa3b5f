using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using SupportBot.Bot.Dialogs;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.HelpDesk.LiveChat;
using SupportBot.Web.Tests.DirectLine;

namespace SupportBot.Web.Tests.LiveHandoff;

/// <summary>Over the real Direct Line: a wait that nobody accepts within HelpDesk:MaxWait becomes today's ticket, with nothing lost.</summary>
[Collection(WebHostCollection.Name)]
public sealed class LiveHandoffTimeoutTests(TrainedModelFixture model)
{
    private const string AgentKey = "agent-key-for-the-timeout-test-0123456789";

    [Fact]
    public async Task A_wait_nobody_accepts_within_the_max_wait_becomes_the_ticket_flow_and_a_ticket()
    {
        using var host = KestrelSupportBot.WithSettings(model, new Dictionary<string, string?>
        {
            ["HelpDesk:ApiKeys:0:Key"] = AgentKey,
            ["HelpDesk:ApiKeys:0:Name"] = "Minji",
            ["HelpDesk:ApiKeys:0:Scopes:0"] = "agent",
        });
        using var agent = host.CreateClient();
        agent.DefaultRequestHeaders.Add("X-Api-Key", AgentKey);
        using var online = await agent.PutAsJsonAsync("/api/v1/agents/me/presence", new { status = "online" });
        Assert.Equal(HttpStatusCode.OK, online.StatusCode);
        var user = new DirectLineCalls(host.CreateClient());
        var conversation = await user.StartAsync();
        await using var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl);
        await stream.ReceiveUntilAsync(s => s.Activities.Count >= 1);

        await user.SayAsync(conversation, BotTexts.English.TalkToPerson);
        await stream.ReceiveUntilAsync(s => BotSaid(s, BotTexts.English.LiveChatOffer.Split('{')[0].TrimEnd()));
        await user.SayAsync(conversation, BotTexts.English.Yes);
        await stream.ReceiveUntilAsync(s => BotSaid(s, string.Format(CultureInfo.InvariantCulture, BotTexts.English.LiveChatQueued, 1)));
        // Nobody accepts: past MaxWait, the sweep's next look ends the wait and the bot turns to the ticket.
        host.Clock.Advance(new LiveChatOptions().MaxWait + HandoffTimeouts.Interval);
        await stream.ReceiveUntilAsync(s => BotSaid(s, BotTexts.English.EmailQuestion));
        await user.SayAsync(conversation, "dev@example.com");
        await stream.ReceiveUntilAsync(s => BotSaid(s, BotTexts.English.SummaryQuestion.Split('"')[0]));
        await user.SayAsync(conversation, "keyhash rejected after registering it");
        await stream.ReceiveUntilAsync(s => BotSaid(s, "dev@example.com"));

        Assert.True(BotSaid(stream, BotTexts.English.LiveChatNobodyFree));
        Assert.Contains(stream.Activities, a => a.Type() == "event" && (string?)a["name"] == "handoff.status" && (string?)a["value"]?["state"] == "failed");
        var ended = (await agent.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/api/v1/handoffs?status=ended"))!;
        Assert.Equal("timed-out", (string?)Assert.Single(ended)!["endReason"]);
    }

    private static bool BotSaid(ActivityStreamClient stream, string text) =>
        stream.Activities.Any(a => a.IsBotMessage() && a.Text() is { } said && said.Contains(text, StringComparison.Ordinal));
}
