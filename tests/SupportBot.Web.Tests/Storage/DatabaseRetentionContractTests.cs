using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Tests.Storage;

/// <summary>What the database providers' retention (SQLite, PostgreSQL) does beyond the memory one's: it ages transcripts and conversation state too.</summary>
public abstract class DatabaseRetentionContractTests : RetentionContractTests
{
    /// <summary>The transcript store over the same storage as <see cref="RetentionContractTests.Stores"/>.</summary>
    protected abstract ITranscriptStore CreateTranscripts();

    /// <summary>The state store over the same storage as <see cref="RetentionContractTests.Stores"/>.</summary>
    protected abstract IStorage CreateState();

    [Fact]
    public void Every_kind_is_aged()
    {
        Assert.Equal(Enum.GetValues<RetentionKind>().ToHashSet(), Stores.Retention.Kinds);
    }

    [Fact]
    public async Task Transcript_activities_older_than_the_cutoff_are_deleted_and_later_ones_kept()
    {
        var transcripts = CreateTranscripts();
        await transcripts.LogActivityAsync(Message("old", Cutoff.AddDays(-1)));
        await transcripts.LogActivityAsync(Message("new", Cutoff.AddDays(1)));
        Assert.Equal(2, (await transcripts.GetTranscriptActivitiesAsync("test", "conversation-1")).Items.Length);

        Assert.Equal(1, await Stores.Retention.DeleteOlderThanAsync(RetentionKind.Transcripts, Cutoff, 500));

        var left = Assert.Single((await transcripts.GetTranscriptActivitiesAsync("test", "conversation-1")).Items);
        Assert.Equal("new", left.AsMessageActivity().Text);
    }

    [Fact]
    public async Task State_not_written_since_the_cutoff_is_deleted()
    {
        // The state stores stamp their rows with the system clock: the cutoffs are relative to it.
        var state = CreateState();
        await state.WriteAsync(new Dictionary<string, object> { ["test/conversations/conversation-1"] = new Dictionary<string, object> { ["said"] = "keyhash" } });

        Assert.Equal(0, await Stores.Retention.DeleteOlderThanAsync(RetentionKind.State, DateTimeOffset.UtcNow.AddDays(-1), 500));
        Assert.Single(await state.ReadAsync(["test/conversations/conversation-1"]));

        Assert.Equal(1, await Stores.Retention.DeleteOlderThanAsync(RetentionKind.State, DateTimeOffset.UtcNow.AddMinutes(1), 500));
        Assert.Empty(await state.ReadAsync(["test/conversations/conversation-1"]));
    }

    private static Activity Message(string text, DateTimeOffset timestamp) => new(ActivityTypes.Message)
    {
        Id = text,
        Text = text,
        ChannelId = "test",
        Timestamp = timestamp,
        Conversation = new ConversationAccount { Id = "conversation-1" },
        From = new ChannelAccount("user-1"),
        Recipient = new ChannelAccount("bot"),
    };
}
