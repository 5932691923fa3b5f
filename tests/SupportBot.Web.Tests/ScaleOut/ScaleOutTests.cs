using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using SupportBot.Bot.Dialogs;
using SupportBot.Core.Knowledge;
using SupportBot.Deploy.Tests.Infrastructure;
using SupportBot.Testing;
using SupportBot.Web.Tests.Channels;
using SupportBot.Web.Tests.DirectLine;
using SupportBot.Web.Tests.Hosting;

namespace SupportBot.Web.Tests.ScaleOut;

/// <summary>
/// The deployment in small: two host processes on one PostgreSQL database behind nginx running the
/// very nginx.conf that deploy/ ships (upstreams and listen port moved to loopback). Turns of one
/// conversation that nginx sends to different replicas continue the same dialog.
/// </summary>
[Collection(WebHostCollection.Name)]
[Trait("Category", "ScaleOut")]
public sealed class ScaleOutTests(TrainedModelFixture model) : IAsyncLifetime
{
    private ReplicasBehindNginx? _deployment;

    private ReplicasBehindNginx Deployment => _deployment!;

    private IReadOnlyList<HostProcess> Replicas => Deployment.Replicas;

    public async Task InitializeAsync() => _deployment = await ReplicasBehindNginx.StartAsync(model, new Dictionary<string, string>());

    public async Task DisposeAsync()
    {
        if (_deployment is not null)
        {
            await _deployment.DisposeAsync();
        }
    }

    [Fact]
    public async Task Turns_that_nginx_sends_to_alternate_replicas_continue_one_dialog()
    {
        using var http = await Deployment.ClientAsync();
        var conversation = $"conv-{Guid.NewGuid():N}";

        var servedBefore = ServedTurns();
        var asked = await AskThePlatformQuestionAsync(http, conversation);
        var servedAsked = ServedTurns();
        var answered = await TurnAsync(http, conversation, "Android");
        var servedAnswered = ServedTurns();

        // Round robin: the two turns went to different replicas (each served exactly one of them).
        var first = Enumerable.Range(0, 2).Single(i => servedAsked[i] - servedBefore[i] == 1);
        Assert.Equal(1, servedAnswered[1 - first] - servedAsked[1 - first]);
        Assert.Equal(servedAsked[first], servedAnswered[first]);
        Assert.Contains(BotTexts.English.PlatformQuestion, asked);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, BotTexts.English.PlatformAnswerIntro, "Android"), answered[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_killed_mid_conversation_leaves_the_other_to_carry_on()
    {
        using var http = await Deployment.ClientAsync();
        var conversation = $"conv-{Guid.NewGuid():N}";

        var servedBefore = ServedTurns();
        var asked = await AskThePlatformQuestionAsync(http, conversation);
        var served = ServedTurns();
        // Killed: the replica round robin sends the next request to, so nginx meets the dead one
        // and must pass the request on (proxy_next_upstream); the state is the survivor's own.
        var killed = Enumerable.Range(0, 2).Single(i => served[i] == servedBefore[i]);
        Replicas[killed].KillAbruptly();
        var answered = await TurnAsync(http, conversation, "Android");
        var moreAnswers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var ready = await http.GetAsync("/readyz");
            moreAnswers.Add(ready.StatusCode);
        }

        Assert.Contains(BotTexts.English.PlatformQuestion, asked);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, BotTexts.English.PlatformAnswerIntro, "Android"), answered[0], StringComparison.Ordinal);
        Assert.All(moreAnswers, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.True(Replicas[killed].HasExited);
        // nginx did meet the dead replica, and passed those requests on.
        Assert.Contains("Connection refused", Deployment.NginxLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_direct_line_stream_held_on_one_replica_receives_in_order_the_replies_to_a_message_posted_on_the_other()
    {
        using var http = await Deployment.ClientAsync();
        var throughNginx = new DirectLineCalls(http);
        var conversation = await throughNginx.StartAsync();
        Assert.StartsWith($"ws://127.0.0.1:{Deployment.BaseAddress.Port}/", conversation.StreamUrl, StringComparison.Ordinal);

        await using var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl);
        await stream.ReceiveUntilAsync(s => s.Activities.Count >= 1);
        var holder = Enumerable.Range(0, 2).Single(i => Deployment.Served(i, $"/conversations/{conversation.Id}/stream") == 1);
        using var other = Replicas[1 - holder].CreateClient();
        var question = await new DirectLineCalls(other).SayAsync(conversation, "keyhash mismatch android");
        await stream.ReceiveUntilAsync(s => s.Activities.Any(a => a.Text() == BotTexts.English.FeedbackQuestion));

        Assert.Equal(0, Deployment.Served(holder, $"/conversations/{conversation.Id}/activities"));
        Assert.Equal(BotTexts.English.Welcome, stream.Activities[0].Text());
        Assert.Equal(question, (string?)stream.Activities[1]["id"]);
        Assert.Contains(stream.Activities, a => a.IsBotMessage());
        stream.AssertEveryActivityInWatermarkOrder(conversation.Id);
        var (polled, watermark) = await throughNginx.GetActivitiesAsync(conversation);
        Assert.Equal(stream.Activities.Select(a => (string?)a["id"]), polled.Select(a => (string?)a["id"]));
        Assert.Equal(stream.Watermarks[^1], watermark);
    }

    [Fact]
    public async Task A_direct_line_client_whose_replica_is_killed_reconnects_and_gets_every_activity_since_its_watermark()
    {
        using var http = await Deployment.ClientAsync();
        var throughNginx = new DirectLineCalls(http);
        var conversation = await throughNginx.StartAsync();
        string watermark;
        await using (var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl))
        {
            await stream.ReceiveUntilAsync(s => s.Activities.Count >= 1);
            watermark = stream.Watermarks[^1];
            var holder = Enumerable.Range(0, 2).Single(i => Deployment.Served(i, $"/conversations/{conversation.Id}/stream") == 1);
            Replicas[holder].KillAbruptly();
        }

        var question = await throughNginx.SayAsync(conversation, "keyhash mismatch android");
        var (status, reconnected) = await throughNginx.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}?watermark={watermark}", conversation.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        await using var resumed = await ActivityStreamClient.ConnectAsync((string)reconnected["streamUrl"]!);
        await resumed.ReceiveUntilAsync(s => s.Activities.Any(a => a.Text() == BotTexts.English.FeedbackQuestion));

        // Everything after the watermark, from the message on, and nothing before it.
        Assert.Equal(question, (string?)resumed.Activities[0]["id"]);
        Assert.Contains(resumed.Activities, a => a.IsBotMessage());
        var (polled, _) = await throughNginx.GetActivitiesAsync(conversation, watermark);
        Assert.Equal(polled.Select(a => (string?)a["id"]), resumed.Activities.Select(a => (string?)a["id"]));
    }

    /// <summary>How many /api/messages requests each replica has logged so far.</summary>
    private int[] ServedTurns() => [.. Enumerable.Range(0, Replicas.Count).Select(i => Deployment.Served(i, "/api/messages"))];

    /// <summary>The question that the bot answers per platform: its first turn asks which one.</summary>
    private Task<List<string>> AskThePlatformQuestionAsync(HttpClient http, string conversation) =>
        TurnAsync(http, conversation, TrainingDataLoader.LoadKnowledgeBase(model.TrainingData).Find("login-screen-instead-of-kakaotalk")!.Question);

    private static async Task<List<string>> TurnAsync(HttpClient client, string conversation, string text)
    {
        using var response = await client.PostActivityAsync(Activities.Message("http://127.0.0.1:9", conversation, text, expectReplies: true));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["activities"]!.AsArray().Select(a => (string?)a!["text"]).OfType<string>().ToList();
    }
}
