using System.Text.Json.Nodes;
using Microsoft.Bot.Schema;
using Newtonsoft.Json.Linq;
using SupportBot.Web.Channels.DirectLine.History;
using SupportBot.Web.Storage.Memory;

namespace SupportBot.Web.Tests.Storage;

/// <summary>
/// The contract every Direct Line store passes. A provider's tests subclass this and return a
/// fresh, empty store from <see cref="CreateStore"/>.
/// </summary>
public abstract class DirectLineStoreContractTests
{
    private static readonly DateTimeOffset StartedAt = new(2026, 11, 28, 9, 30, 0, TimeSpan.Zero);

    private IDirectLineStore? _store;

    protected IDirectLineStore Store => _store ??= CreateStore();

    /// <summary>A new, empty store; called once per test.</summary>
    protected abstract IDirectLineStore CreateStore();

    [Fact]
    public async Task A_conversation_starts_once_and_is_found_with_its_user()
    {
        Assert.True(await Store.TryStartAsync(new DirectLineConversation("c-1", "dl_user", StartedAt), default));
        Assert.False(await Store.TryStartAsync(new DirectLineConversation("c-1", "dl_other", StartedAt.AddHours(1)), default));

        var found = await Store.FindAsync("c-1", default);

        Assert.Equal(new DirectLineConversation("c-1", "dl_user", StartedAt), found);
        Assert.Null(await Store.FindAsync("c-2", default));
    }

    [Fact]
    public async Task Appended_activities_get_watermarks_one_two_three_and_ids_like_azures()
    {
        await StartAsync("c-1");

        var watermarks = new List<long>();
        foreach (var text in new[] { "one", "two", "three" })
        {
            var activity = Message(text);
            watermarks.Add((await Store.AppendAsync("c-1", activity, default)).Watermark);
            Assert.Equal($"c-1|{watermarks[^1]:0000000}", activity.Id);
        }

        Assert.Equal([1L, 2L, 3L], watermarks);
    }

    [Fact]
    public async Task Reading_after_a_watermark_returns_the_later_activities_oldest_first()
    {
        await StartAsync("c-1");
        foreach (var text in new[] { "one", "two", "three" })
        {
            await Store.AppendAsync("c-1", Message(text), default);
        }

        var all = await Store.ReadAsync("c-1", 0, 100, default);
        var later = await Store.ReadAsync("c-1", 2, 100, default);
        var none = await Store.ReadAsync("c-1", 3, 100, default);

        Assert.Equal(["one", "two", "three"], all.Activities.Select(Text));
        Assert.Equal(3, all.Watermark);
        Assert.Equal(["three"], later.Activities.Select(Text));
        Assert.Equal(3, later.Watermark);
        Assert.Empty(none.Activities);
        Assert.Equal(3, none.Watermark);
    }

    [Fact]
    public async Task A_read_returns_at_most_the_limit_and_the_watermark_of_its_last_activity()
    {
        await StartAsync("c-1");
        for (var i = 1; i <= 5; i++)
        {
            await Store.AppendAsync("c-1", Message($"m{i}"), default);
        }

        var first = await Store.ReadAsync("c-1", 0, 2, default);
        var second = await Store.ReadAsync("c-1", first.Watermark, 2, default);

        Assert.Equal(["m1", "m2"], first.Activities.Select(Text));
        Assert.Equal(2, first.Watermark);
        Assert.Equal(["m3", "m4"], second.Activities.Select(Text));
        Assert.Equal(4, second.Watermark);
    }

    [Fact]
    public async Task An_empty_conversation_reads_as_nothing_at_watermark_zero_and_a_watermark_from_the_future_is_brought_back()
    {
        await StartAsync("c-1");

        var empty = await Store.ReadAsync("c-1", 0, 100, default);
        await Store.AppendAsync("c-1", Message("one"), default);
        var future = await Store.ReadAsync("c-1", 50, 100, default);

        Assert.Empty(empty.Activities);
        Assert.Equal(0, empty.Watermark);
        Assert.Empty(future.Activities);
        Assert.Equal(1, future.Watermark);
    }

    [Fact]
    public async Task Conversations_keep_their_own_activities_and_watermarks()
    {
        await StartAsync("c-1");
        await StartAsync("c-2");

        await Store.AppendAsync("c-1", Message("for one"), default);
        var second = await Store.AppendAsync("c-2", Message("for two"), default);

        Assert.Equal(1, second.Watermark);
        Assert.Equal(["for one"], (await Store.ReadAsync("c-1", 0, 100, default)).Activities.Select(Text));
        Assert.Equal(["for two"], (await Store.ReadAsync("c-2", 0, 100, default)).Activities.Select(Text));
    }

    [Fact]
    public async Task An_unknown_conversation_cannot_be_appended_to_or_read()
    {
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => Store.AppendAsync("nowhere", Message("lost"), default));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => Store.ReadAsync("nowhere", 0, 100, default));
    }

    [Fact]
    public async Task Appends_at_the_same_time_get_distinct_watermarks_without_gaps()
    {
        await StartAsync("c-1");

        var watermarks = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => Store.AppendAsync("c-1", Message($"m{i}"), default))));

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), watermarks.Select(a => a.Watermark).Order());
        var read = await Store.ReadAsync("c-1", 0, 100, default);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), read.Activities.Select(a => a.Watermark));
    }

    [Fact]
    public async Task An_append_returns_the_activity_exactly_as_a_read_gives_it_back()
    {
        await StartAsync("c-1");
        await Store.AppendAsync("c-1", Message("first"), default);

        var appended = await Store.AppendAsync("c-1", Message("second, with \"quotes\" and 한국어"), default);

        var read = (await Store.ReadAsync("c-1", 1, 100, default)).Activities.Single();
        Assert.Equal(read, appended);
        Assert.Equal("c-1|0000002", (string?)JsonNode.Parse(appended.Json)!["id"]);
    }

    [Fact]
    public async Task An_activity_comes_back_as_the_json_it_was_with_its_channel_data_and_attachments()
    {
        await StartAsync("c-1");
        var activity = Message("with extras");
        activity.ChannelData = new JObject { ["clientActivityID"] = "client-7", ["sentAt"] = "2026-11-28T09:30:00Z" };
        activity.SuggestedActions = new SuggestedActions { Actions = [new CardAction(ActionTypes.ImBack, "Yes", value: "Yes")] };

        await Store.AppendAsync("c-1", activity, default);
        var stored = JsonNode.Parse((await Store.ReadAsync("c-1", 0, 100, default)).Activities.Single().Json)!;

        Assert.Equal("c-1|0000001", (string?)stored["id"]);
        Assert.Equal("client-7", (string?)stored["channelData"]?["clientActivityID"]);
        Assert.Equal("2026-11-28T09:30:00Z", (string?)stored["channelData"]?["sentAt"]);
        Assert.Equal("Yes", (string?)stored["suggestedActions"]?["actions"]?[0]?["title"]);
        Assert.Null(stored["attachments"]);
    }

    private static Activity Message(string text) => new(ActivityTypes.Message) { Text = text, From = new ChannelAccount("dl_user") };

    private static string? Text(StoredActivity activity) => (string?)JsonNode.Parse(activity.Json)!["text"];

    private Task StartAsync(string conversationId) => Store.TryStartAsync(new DirectLineConversation(conversationId, "dl_user", StartedAt), default);
}

/// <summary>The in-memory store.</summary>
public sealed class MemoryDirectLineStoreContractTests : DirectLineStoreContractTests
{
    protected override IDirectLineStore CreateStore() => new MemoryDirectLineStore();
}
