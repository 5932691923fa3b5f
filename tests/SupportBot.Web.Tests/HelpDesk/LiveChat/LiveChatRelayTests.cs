using System.Net;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Handoffs;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Tests.DirectLine;

namespace SupportBot.Web.Tests.HelpDesk.LiveChat;

/// <summary>
/// What an agent sends reaches the user over the user's own channel, as a proactive turn through
/// the adapter: the in-process Direct Line (Web Chat) and a Bot Framework channel (the Emulator).
/// </summary>
[Collection(WebHostCollection.Name)]
public sealed class LiveChatRelayTests(SupportBotFactory host) : IClassFixture<SupportBotFactory>
{
    private const string Agent = "Mina";

    private IHandoffStore Store => host.Services.GetRequiredService<IHandoffStore>();

    private IHandoffRelay Relay => host.Services.GetRequiredService<IHandoffRelay>();

    private async Task<Handoff> AcceptAsync(string channelId, string conversationId)
    {
        var open = await Store.FindOpenAsync(channelId, conversationId);
        Assert.NotNull(open);
        var accepted = await Store.AcceptAsync(open.Id, Agent, DateTimeOffset.UtcNow);
        Assert.Equal(HandoffChangeResult.Changed, accepted.Result);
        await Relay.AcceptedAsync(accepted.Handoff!);
        return accepted.Handoff!;
    }

    [Fact]
    public async Task An_agents_message_reaches_a_direct_line_user_under_the_agents_name()
    {
        using var client = await host.CreateReadyClientAsync();
        await Store.SetPresenceAsync(Agent, AgentStatus.Online, DateTimeOffset.UtcNow);
        var calls = new DirectLineCalls(client);
        var conversation = await calls.StartAsync();
        await calls.SayAsync(conversation, "agent");
        await calls.SayAsync(conversation, "yes");

        var handoff = await AcceptAsync(DirectLineChannel.ChannelId, conversation.Id);
        await Relay.SendFromAgentAsync(handoff, (Activity)MessageFactory.Text("Hi, this is Mina from support."));
        await calls.SayAsync(conversation, "thanks, my key hash is wrong");

        var (activities, _) = await calls.GetActivitiesAsync(conversation);
        var fromAgent = Assert.Single(activities, a => a.Text() == "Hi, this is Mina from support.");
        Assert.Equal(Agent, (string?)fromAgent["from"]!["name"]);
        Assert.Equal(Agent, (string?)fromAgent["channelData"]?["agent"]);
        Assert.Contains(activities, a => a.Text() == BotTexts(Agent));
        Assert.Contains(activities, a => a.Type() == "event" && (string?)a["name"] == "handoff.status");

        // The bot said nothing after the user's message to the agent, which is in the handoff's log.
        Assert.Equal("thanks, my key hash is wrong", activities[^1].Text());
        var log = await Store.ReadAsync(handoff.Id, 0, 10);
        Assert.Equal(2, log.Activities.Count);
    }

    [Fact]
    public async Task An_agents_message_reaches_an_emulator_user_at_the_channels_service_url()
    {
        await using var channel = await ChannelListener.StartAsync();
        using var client = await host.CreateReadyClientAsync();
        await Store.SetPresenceAsync(Agent, AgentStatus.Online, DateTimeOffset.UtcNow);
        var conversation = $"conv-{Guid.NewGuid():N}";
        foreach (var text in new[] { "agent", "yes" })
        {
            using var response = await client.PostActivityAsync(Activities.Message(channel.ServiceUrl, conversation, text));
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Created });
        }

        var handoff = await AcceptAsync("emulator", conversation);
        await Relay.SendFromAgentAsync(handoff, (Activity)MessageFactory.Text("Hello from the help desk."));

        var messages = channel.MessagesIn(conversation);
        Assert.Equal(BotTexts(Agent), messages[^2].Text);
        var fromAgent = messages[^1];
        Assert.Equal("Hello from the help desk.", fromAgent.Text);
        Assert.Equal(Agent, (string?)fromAgent.Activity["from"]!["name"]);
        Assert.Equal(Activities.BotId, (string?)fromAgent.Activity["from"]!["id"]);
    }

    private static string BotTexts(string agent) => SupportBot.Bot.Dialogs.BotTexts.Format(SupportBot.Bot.Dialogs.BotTexts.English.LiveChatAgentJoined, agent);
}
