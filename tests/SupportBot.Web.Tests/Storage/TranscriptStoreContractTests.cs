using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Adapters;
using Microsoft.Bot.Schema;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using SupportBot.Bot.Storage;
using SupportBot.Web.Storage;
using SupportBot.Testing;

namespace SupportBot.Web.Tests.Storage;

/// <summary>
/// Transcripts recorded by TranscriptLoggerMiddleware, read back for handoff and admin views: what
/// every transcript store does. A provider's tests subclass this and return a fresh, empty store.
/// </summary>
public abstract class TranscriptStoreContractTests
{
    protected static readonly DateTimeOffset Start = new(2024, 5, 1, 9, 0, 0, TimeSpan.FromHours(9));

    private ITranscriptStore? _created;

    protected ITranscriptStore Store => _created ??= CreateStore();

    /// <summary>A new, empty store; called once per test.</summary>
    protected abstract ITranscriptStore CreateStore();

    [Fact]
    public async Task A_conversation_through_the_middleware_is_recorded_in_order_with_the_bot_replies()
    {
        await new TestFlow(Adapter("conversation-1"), Echo)
            .Send("hello")
            .AssertReply("echo: hello")
            .Send("keyhash mismatch")
            .AssertReply("echo: keyhash mismatch")
            .StartTestAsync();

        var transcript = await Store.LoggedAsync("conversation-1", count: 4);

        Assert.Equal(["hello", "echo: hello", "keyhash mismatch", "echo: keyhash mismatch"], transcript.Select(Text));
        Assert.Equal(["user1", "bot", "user1", "bot"], transcript.Select(a => a.From.Id));
        Assert.All(transcript, a => Assert.Equal(ActivityTypes.Message, a.Type));
        Assert.All(transcript, a => Assert.NotNull(a.Timestamp));
    }

    [Fact]
    public async Task Two_conversations_through_the_middleware_are_kept_apart()
    {
        await new TestFlow(Adapter("conversation-a"), Echo).Send("from a").AssertReply("echo: from a").StartTestAsync();
        await new TestFlow(Adapter("conversation-b"), Echo).Send("from b").AssertReply("echo: from b").StartTestAsync();

        Assert.Equal(["from a", "echo: from a"], (await Store.LoggedAsync("conversation-a", count: 2)).Select(Text));
        Assert.Equal(["from b", "echo: from b"], (await Store.LoggedAsync("conversation-b", count: 2)).Select(Text));
    }

    [Fact]
    public async Task A_reply_the_bot_edits_is_replaced_in_place_and_one_it_deletes_becomes_a_tombstone()
    {
        string? noteId = null;
        BotCallbackHandler bot = async (turn, cancellationToken) =>
        {
            if (turn.Activity.Text == "answer")
            {
                var draft = await turn.SendActivityAsync("first draft", cancellationToken: cancellationToken);
                noteId = (await turn.SendActivityAsync("extra note", cancellationToken: cancellationToken)).Id;
                var final = MessageFactory.Text("final answer");
                final.Id = draft.Id;
                await turn.UpdateActivityAsync(final, cancellationToken);
            }
            else
            {
                await turn.DeleteActivityAsync(noteId!, cancellationToken);
                await turn.SendActivityAsync("removed the note", cancellationToken: cancellationToken);
            }
        };

        await new TestFlow(Adapter("conversation-1"), bot)
            .Send("answer")
            .AssertReply("final answer")
            .AssertReply("extra note")
            .Send("retract")
            .AssertReply("removed the note")
            .StartTestAsync();

        // TranscriptLoggerMiddleware logs without waiting: the edit and the delete rewrite rows that
        // may already be readable, so wait for the rewrites, not only for the five rows.
        var transcript = await Store.LoggedAsync(
            "conversation-1", items => items.Length >= 5 && items.Any(a => Text(a) == "final answer") && items.Any(a => a.Type == ActivityTypes.MessageDelete));

        Assert.Equal(
            [ActivityTypes.Message, ActivityTypes.Message, ActivityTypes.MessageDelete, ActivityTypes.Message, ActivityTypes.Message],
            transcript.Select(a => a.Type));
        Assert.Equal(["answer", "final answer", null, "retract", "removed the note"], transcript.Select(Text));
        Assert.Equal("deleted", transcript[2].From.Id);
        Assert.Equal(noteId, transcript[2].Id);
    }

    [Fact]
    public async Task An_activity_comes_back_exactly_as_it_was_logged()
    {
        var activity = Message("conversation-1", "see the card", Start);
        activity.LocalTimestamp = Start;
        activity.Locale = "ko-KR";
        activity.ChannelData = new JObject { ["sentAt"] = "2024-05-01T09:30:00+09:00", ["clientActivityID"] = "abc" };
        activity.Attachments = [new HeroCard("Kakao Login", text: "카카오 로그인").ToAttachment()];
        activity.Value = new JObject { ["choice"] = "android" };

        await Store.LogActivityAsync(activity);

        var stored = Assert.Single((await Store.GetTranscriptActivitiesAsync("test", "conversation-1")).Items);
        var asTheBotFrameworkWritesIt = new JsonSerializerSettings { NullValueHandling = NullValueHandling.Ignore };
        Assert.Equal(JsonConvert.SerializeObject(activity, asTheBotFrameworkWritesIt), JsonConvert.SerializeObject(stored, asTheBotFrameworkWritesIt));
    }

    [Fact]
    public async Task An_update_keeps_the_original_type_time_and_place()
    {
        await Store.LogActivityAsync(Message("conversation-1", "first", Start, id: "a1"));
        await Store.LogActivityAsync(Message("conversation-1", "second", Start.AddMinutes(1), id: "a2"));

        var update = Message("conversation-1", "first, corrected", Start.AddMinutes(5), id: "a1");
        update.Type = ActivityTypes.MessageUpdate;
        await Store.LogActivityAsync(update);

        var transcript = (await Store.GetTranscriptActivitiesAsync("test", "conversation-1")).Items;
        Assert.Equal(["first, corrected", "second"], transcript.Select(Text));
        Assert.Equal(ActivityTypes.Message, transcript[0].Type);
        Assert.Equal(Start, transcript[0].Timestamp);
        Assert.Equal(ActivityTypes.MessageUpdate, update.Type);
    }

    [Fact]
    public async Task A_delete_leaves_a_tombstone_without_the_content()
    {
        var original = Message("conversation-1", "my phone number is ...", Start, id: "a1");
        original.ReplyToId = "a0";
        await Store.LogActivityAsync(original);

        await Store.LogActivityAsync(new Activity
        {
            Type = ActivityTypes.MessageDelete,
            Id = "a1",
            ChannelId = "test",
            Conversation = new ConversationAccount(id: "conversation-1"),
        });

        var tombstone = Assert.Single((await Store.GetTranscriptActivitiesAsync("test", "conversation-1")).Items);
        Assert.Equal(ActivityTypes.MessageDelete, tombstone.Type);
        Assert.Equal("a1", tombstone.Id);
        Assert.Null(Text(tombstone));
        Assert.Equal(("deleted", RoleTypes.User), (tombstone.From.Id, tombstone.From.Role));
        Assert.Equal(("deleted", RoleTypes.Bot), (tombstone.Recipient.Id, tombstone.Recipient.Role));
        Assert.Equal(Start, tombstone.Timestamp);
        Assert.Equal("a0", tombstone.ReplyToId);
        Assert.DoesNotContain("phone", JsonConvert.SerializeObject(tombstone), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ActivityTypes.MessageUpdate)]
    [InlineData(ActivityTypes.MessageDelete)]
    public async Task An_update_or_delete_of_an_activity_never_logged_adds_nothing(string type)
    {
        await Store.LogActivityAsync(Message("conversation-1", "kept", Start, id: "a1"));

        var change = Message("conversation-1", "changed", Start, id: "unknown");
        change.Type = type;
        await Store.LogActivityAsync(change);

        Assert.Equal(["kept"], (await Store.GetTranscriptActivitiesAsync("test", "conversation-1")).Items.Select(Text));
    }

    [Fact]
    public async Task A_long_transcript_is_read_page_by_page_in_order()
    {
        const int count = 2 * TranscriptPages.PageSize + 5;
        for (var i = 0; i < count; i++)
        {
            await Store.LogActivityAsync(Message("conversation-1", $"message {i}", Start.AddSeconds(i)));
        }

        var pages = new List<PagedResult<IActivity>>();
        string? token = null;
        do
        {
            var page = await Store.GetTranscriptActivitiesAsync("test", "conversation-1", token);
            pages.Add(page);
            token = page.ContinuationToken;
        }
        while (token is not null);

        Assert.Equal([TranscriptPages.PageSize, TranscriptPages.PageSize, 5], pages.Select(p => p.Items.Length));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"message {i}"), pages.SelectMany(p => p.Items).Select(Text));
    }

    [Fact]
    public async Task A_start_date_leaves_out_older_activities_across_pages()
    {
        for (var i = 0; i < 50; i++)
        {
            await Store.LogActivityAsync(Message("conversation-1", $"message {i}", Start.AddMinutes(i)));
        }

        var first = await Store.GetTranscriptActivitiesAsync("test", "conversation-1", startDate: Start.AddMinutes(20));
        var second = await Store.GetTranscriptActivitiesAsync("test", "conversation-1", first.ContinuationToken, Start.AddMinutes(20));

        Assert.Equal(Enumerable.Range(20, 30).Select(i => $"message {i}"), first.Items.Concat(second.Items).Select(Text));
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task Transcripts_are_listed_per_channel_in_the_order_they_began()
    {
        await Store.LogActivityAsync(Message("conversation-b", "b starts", Start));
        await Store.LogActivityAsync(Message("conversation-a", "a starts", Start.AddMinutes(1)));
        await Store.LogActivityAsync(Message("conversation-b", "b goes on", Start.AddMinutes(2)));
        await Store.LogActivityAsync(Message("conversation-c", "c starts", Start.AddMinutes(3)));
        await Store.LogActivityAsync(Message("elsewhere", "other channel", Start, channelId: "webchat"));

        var listed = await Store.ListTranscriptsAsync("test");

        Assert.Equal(["conversation-b", "conversation-a", "conversation-c"], listed.Items.Select(t => t.Id));
        Assert.All(listed.Items, t => Assert.Equal("test", t.ChannelId));
        Assert.Equal([Start, Start.AddMinutes(1), Start.AddMinutes(3)], listed.Items.Select(t => t.Created));
        Assert.Null(listed.ContinuationToken);
        Assert.Equal(["elsewhere"], (await Store.ListTranscriptsAsync("webchat")).Items.Select(t => t.Id));
        Assert.Empty((await Store.ListTranscriptsAsync("nobody")).Items);
    }

    [Fact]
    public async Task Many_transcripts_are_listed_page_by_page()
    {
        const int count = TranscriptPages.PageSize + 5;
        for (var i = 0; i < count; i++)
        {
            await Store.LogActivityAsync(Message($"conversation-{i:00}", "hello", Start.AddMinutes(i)));
        }

        var first = await Store.ListTranscriptsAsync("test");
        var second = await Store.ListTranscriptsAsync("test", first.ContinuationToken);

        Assert.Equal(
            Enumerable.Range(0, count).Select(i => $"conversation-{i:00}"),
            first.Items.Concat(second.Items).Select(t => t.Id));
        Assert.NotNull(first.ContinuationToken);
        Assert.Null(second.ContinuationToken);
    }

    [Fact]
    public async Task Deleting_a_transcript_removes_only_that_conversation()
    {
        await Store.LogActivityAsync(Message("conversation-a", "a", Start));
        await Store.LogActivityAsync(Message("conversation-b", "b", Start));

        await Store.DeleteTranscriptAsync("test", "conversation-a");

        Assert.Empty((await Store.GetTranscriptActivitiesAsync("test", "conversation-a")).Items);
        Assert.Equal(["b"], (await Store.GetTranscriptActivitiesAsync("test", "conversation-b")).Items.Select(Text));
        Assert.Equal(["conversation-b"], (await Store.ListTranscriptsAsync("test")).Items.Select(t => t.Id));
    }

    private TestAdapter Adapter(string conversationId)
    {
        var adapter = new TestAdapter(TestAdapter.CreateConversation(conversationId));
        adapter.Use(new TranscriptLoggerMiddleware(Store));
        return adapter;
    }

    private static Task Echo(ITurnContext turn, CancellationToken cancellationToken) =>
        turn.SendActivityAsync($"echo: {turn.Activity.Text}", cancellationToken: cancellationToken);

    protected static string? Text(IActivity activity) => (activity as IMessageActivity)?.Text;

    protected static Activity Message(string conversationId, string text, DateTimeOffset timestamp, string channelId = "test", string? id = null) => new()
    {
        Type = ActivityTypes.Message,
        Id = id ?? Guid.NewGuid().ToString("N"),
        ChannelId = channelId,
        Conversation = new ConversationAccount(id: conversationId),
        From = new ChannelAccount(id: "user1", role: RoleTypes.User),
        Recipient = new ChannelAccount(id: "bot", role: RoleTypes.Bot),
        ServiceUrl = "https://test.com",
        Timestamp = timestamp,
        Text = text,
    };
}
