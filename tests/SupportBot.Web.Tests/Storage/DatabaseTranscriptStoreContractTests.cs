using Microsoft.Bot.Schema;
using SupportBot.Bot.Storage;
using SupportBot.Web.Storage;

namespace SupportBot.Web.Tests.Storage;

/// <summary>What the database transcript stores (SQLite, PostgreSQL) do beyond MemoryTranscriptStore: no empty last page, and clear argument errors.</summary>
public abstract class DatabaseTranscriptStoreContractTests : TranscriptStoreContractTests
{
    [Fact]
    public async Task A_transcript_that_fits_one_page_has_no_continuation_token()
    {
        for (var i = 0; i < TranscriptPages.PageSize; i++)
        {
            await Store.LogActivityAsync(Message("conversation-1", $"message {i}", Start.AddSeconds(i)));
        }

        var page = await Store.GetTranscriptActivitiesAsync("test", "conversation-1");

        Assert.Equal(TranscriptPages.PageSize, page.Items.Length);
        Assert.Null(page.ContinuationToken);
    }

    [Fact]
    public async Task Bad_arguments_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.LogActivityAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.LogActivityAsync(new Activity(ActivityTypes.Message) { ChannelId = "test" }));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.GetTranscriptActivitiesAsync(null!, "conversation-1"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.GetTranscriptActivitiesAsync("test", null!));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetTranscriptActivitiesAsync("test", "conversation-1", "not-a-token"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.ListTranscriptsAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.DeleteTranscriptAsync("test", null!));
    }
}
