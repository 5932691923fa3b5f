using System.Net;
using System.Text.Json.Nodes;
using SupportBot.Bot.Dialogs;

namespace SupportBot.Web.Tests.DirectLine;

/// <summary>The streamUrl WebSocket on a real Kestrel port: history, pushed activities in order, resume, keep-alive, refusals.</summary>
[Collection(WebHostCollection.Name)]
public sealed class ActivityStreamTests(KestrelSupportBot host) : IClassFixture<KestrelSupportBot>
{
    private const string KeyHashAnswer = "This error occurs when the key hash value";

    [Fact]
    public async Task The_stream_sends_the_history_then_each_new_activity_in_watermark_order()
    {
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();
        await using var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl);
        await stream.ReceiveUntilAsync(s => s.Activities.Count >= 1);

        var question = await calls.SayAsync(conversation, "keyhash mismatch android");
        await stream.ReceiveUntilAsync(s => s.Activities.Any(a => a.Text() == BotTexts.English.FeedbackQuestion));

        Assert.Equal(BotTexts.English.Welcome, stream.Activities[0].Text());
        Assert.Equal(question, (string?)stream.Activities[1]["id"]);
        Assert.Contains(stream.Activities, a => a.IsBotMessage() && a.Text()!.Contains(KeyHashAnswer, StringComparison.Ordinal));
        stream.AssertEveryActivityInWatermarkOrder(conversation.Id);
    }

    [Fact]
    public async Task A_history_read_at_once_is_sent_one_activity_per_message_each_with_its_own_watermark()
    {
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();
        await calls.SayAsync(conversation, "keyhash mismatch android");
        var (history, watermark) = await calls.GetActivitiesAsync(conversation);

        // The whole history is one read from the store; the client still gets it one by one.
        await using var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl);
        await stream.ReceiveUntilAsync(s => s.Activities.Count >= history.Count);

        Assert.True(history.Count >= 4, "the welcome, the question, the answer and the feedback question");
        Assert.Equal(history.Select(a => (string?)a["id"]), stream.Activities.Select(a => (string?)a["id"]));
        stream.AssertEveryActivityInWatermarkOrder(conversation.Id);
        Assert.Equal(watermark, stream.Watermarks[^1]);
    }

    [Fact]
    public async Task Reconnecting_with_a_watermark_streams_only_what_came_after_it()
    {
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();
        await calls.SayAsync(conversation, "hello");
        var (before, watermark) = await calls.GetActivitiesAsync(conversation);

        var (status, reconnected) = await calls.SendAsync(HttpMethod.Get, $"/conversations/{conversation.Id}?watermark={watermark}", conversation.Token);
        Assert.Equal(HttpStatusCode.OK, status);
        await using var stream = await ActivityStreamClient.ConnectAsync((string)reconnected["streamUrl"]!);
        var later = await calls.SayAsync(conversation, "keyhash mismatch android");
        await stream.ReceiveUntilAsync(s => s.Activities.Any(a => a.Text() == BotTexts.English.FeedbackQuestion));

        Assert.Equal(later, (string?)stream.Activities[0]["id"]);
        Assert.DoesNotContain(stream.Activities, a => before.Any(b => (string?)b["id"] == (string?)a["id"]));
    }

    [Fact]
    public async Task An_idle_stream_gets_empty_keep_alive_messages()
    {
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();
        await using var stream = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl);

        await stream.ReceiveUntilAsync(s => s.KeepAlives >= 2);

        Assert.Single(stream.Activities);
    }

    [Fact]
    public async Task A_stream_url_not_opened_within_its_minute_is_refused()
    {
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();

        host.Clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(HttpStatusCode.Forbidden, await ActivityStreamClient.RefusalAsync(conversation.StreamUrl));
    }

    [Fact]
    public async Task Only_pages_of_allowed_origins_or_the_hosts_own_may_open_the_stream()
    {
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();

        Assert.Equal(HttpStatusCode.Forbidden, await ActivityStreamClient.RefusalAsync(conversation.StreamUrl, origin: "https://evil.example"));
        await using var allowed = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl, origin: KestrelSupportBot.AllowedOrigin);
        await using var own = await ActivityStreamClient.ConnectAsync(conversation.StreamUrl, origin: host.BaseAddress.GetLeftPart(UriPartial.Authority));
        await allowed.ReceiveUntilAsync(s => s.Activities.Count == 1);
        await own.ReceiveUntilAsync(s => s.Activities.Count == 1);
    }

    [Fact]
    public async Task A_stream_url_opens_only_its_own_conversation()
    {
        var calls = new DirectLineCalls(host.CreateClient());
        var mine = await calls.StartAsync();
        var theirs = await calls.StartAsync();

        var stolen = mine.StreamUrl.Replace(mine.Id, theirs.Id, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, await ActivityStreamClient.RefusalAsync(stolen));
    }

    [Fact]
    public async Task A_plain_request_to_a_stream_url_is_a_bad_request()
    {
        var calls = new DirectLineCalls(host.CreateClient());
        var conversation = await calls.StartAsync();

        using var response = await calls.Http.GetAsync(conversation.StreamUrl.Replace("ws://", "http://", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadArgument", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["code"]);
    }
}
