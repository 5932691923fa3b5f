using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SupportBot.Bot.Dialogs;
using SupportBot.Testing;
using SupportBot.Web.Storage.PostgreSql;
using SupportBot.Web.Tests.DirectLine;

namespace SupportBot.Web.Tests.LiveHandoff;

/// <summary>
/// A live handoff across two replicas on one PostgreSQL database: the user's Direct Line WebSocket
/// and messages on one, the agent's API calls on the other, the real protocol on both sides.
/// </summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", PostgreSqlServer.Category)]
public sealed class LiveHandoffReplicaTests(TrainedModelFixture model) : IAsyncLifetime
{
    private const string AgentName = "Minji";
    private const string AgentKey = "agent-key-for-the-replica-test-0123456789";

    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgreSqlServer.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _database!.DisposeAsync();

    [Fact]
    public async Task An_agent_on_one_replica_chats_with_a_user_whose_stream_is_on_the_other_and_the_user_rates_the_help()
    {
        using var agentReplica = Replica();
        using var userReplica = Replica();
        await agentReplica.Services.GetRequiredService<PostgreSqlConversationNotifier>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await userReplica.Services.GetRequiredService<PostgreSqlConversationNotifier>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        using var agent = agentReplica.CreateClient();
        agent.DefaultRequestHeaders.Add("X-Api-Key", AgentKey);
        using var online = await agent.PutAsJsonAsync("/api/v1/agents/me/presence", new { status = "online" });
        Assert.Equal(HttpStatusCode.OK, online.StatusCode);

        var user = new DirectLineCalls(userReplica.CreateClient());
        var conversation = await user.StartAsync();
        await using var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl);
        await stream.ReceiveUntilAsync(s => s.Activities.Count >= 1);
        await user.SayAsync(conversation, BotTexts.English.TalkToPerson);
        await stream.ReceiveUntilAsync(s => BotSaid(s, Opening(BotTexts.English.LiveChatOffer)));
        await user.SayAsync(conversation, BotTexts.English.Yes);
        await stream.ReceiveUntilAsync(s => BotSaid(s, string.Format(CultureInfo.InvariantCulture, BotTexts.English.LiveChatQueued, 1)));

        var waiting = Assert.Single(await ListAsync(agent, "waiting"), h => (string?)h["conversationId"] == conversation.Id);
        var id = (string)waiting["id"]!;
        using var accepted = await agent.PostAsync($"/api/v1/handoffs/{id}/accept", null);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await stream.ReceiveUntilAsync(s => BotSaid(s, string.Format(CultureInfo.InvariantCulture, BotTexts.English.LiveChatAgentJoined, AgentName)));

        await user.SayAsync(conversation, "my keyhash is still rejected");
        await user.SayAsync(conversation, "I registered it yesterday");
        var heard = await ReadUntilAsync(agent, id, texts => texts.Contains("I registered it yesterday"));
        using var reply1 = await agent.PostAsJsonAsync($"/api/v1/handoffs/{id}/activities", new { type = "message", text = "Let me check your app." });
        using var reply2 = await agent.PostAsJsonAsync($"/api/v1/handoffs/{id}/activities", new { type = "message", text = "Please register the release key hash too." });
        await stream.ReceiveUntilAsync(s => s.Activities.Any(a => a.Text() == "Please register the release key hash too."));

        using var ended = await agent.PostAsync($"/api/v1/handoffs/{id}/end", null);
        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        await stream.ReceiveUntilAsync(s => BotSaid(s, BotTexts.English.SatisfactionQuestion));
        await user.SayAsync(conversation, "5");
        await stream.ReceiveUntilAsync(s => BotSaid(s, BotTexts.English.SatisfactionThanks));

        Assert.Equal(["my keyhash is still rejected", "I registered it yesterday"], heard);
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (reply1.StatusCode, reply2.StatusCode));
        var fromAgent = stream.Activities.Where(a => a.Type() == "message" && (string?)a["channelData"]?["agent"] == AgentName).ToList();
        Assert.Equal(["Let me check your app.", "Please register the release key hash too."], fromAgent.Select(a => a.Text()));
        Assert.All(fromAgent, a => Assert.Equal(AgentName, (string?)a["from"]?["name"]));
        var states = stream.Activities.Where(a => a.Type() == "event" && (string?)a["name"] == "handoff.status").Select(a => (string?)a["value"]?["state"]).ToList();
        Assert.Equal(["accepted", "completed"], states);
        // Between the agent's joining and leaving the bot said nothing of its own.
        var joined = stream.Activities.FindIndex(a => a.Text() == string.Format(CultureInfo.InvariantCulture, BotTexts.English.LiveChatAgentJoined, AgentName));
        var left = stream.Activities.FindIndex(a => a.Text() == BotTexts.English.LiveChatBackToBot);
        Assert.DoesNotContain(stream.Activities[(joined + 1)..left], a => a.IsBotMessage() && (string?)a["channelData"]?["agent"] is null);
        var rated = Assert.Single(await ListAsync(agent, "ended"), h => (string?)h["id"] == id);
        Assert.Equal((5, AgentName, "completed"), ((int?)rated["satisfaction"], (string?)rated["agent"], (string?)rated["endReason"]));
    }

    private static bool BotSaid(ActivityStreamClient stream, string text) =>
        stream.Activities.Any(a => a.IsBotMessage() && a.Text() is { } said && said.Contains(text, StringComparison.Ordinal));

    // The offer's text up to its first placeholder (the expected wait).
    private static string Opening(string format) => format.Split('{')[0].TrimEnd();

    private static async Task<List<JsonObject>> ListAsync(HttpClient agent, string status) =>
        [.. (await agent.GetFromJsonAsync<JsonArray>($"/api/v1/handoffs?status={status}"))!.Select(h => h!.AsObject())];

    /// <summary>The user's message texts in the handoff's log, read with the watermark and the long poll until <paramref name="done"/>.</summary>
    private static async Task<List<string>> ReadUntilAsync(HttpClient agent, string id, Func<List<string>, bool> done)
    {
        var texts = new List<string>();
        var watermark = "0";
        for (var reads = 0; reads < 20 && !done(texts); reads++)
        {
            var page = (await agent.GetFromJsonAsync<JsonObject>($"/api/v1/handoffs/{id}/activities?watermark={watermark}&wait=5"))!;
            watermark = (string)page["watermark"]!;
            texts.AddRange(page["activities"]!.AsArray()
                .Select(a => a!.AsObject())
                .Where(a => a.Type() == "message" && a.FromRole() == "user")
                .Select(a => a.Text()!));
        }

        return texts;
    }

    private KestrelSupportBot Replica() => KestrelSupportBot.WithSettings(model, new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "PostgreSql",
        ["ConnectionStrings:SupportBot"] = _database!.ConnectionString,
        ["HelpDesk:ApiKeys:0:Key"] = AgentKey,
        ["HelpDesk:ApiKeys:0:Name"] = AgentName,
        ["HelpDesk:ApiKeys:0:Scopes:0"] = "agent",
    });
}
