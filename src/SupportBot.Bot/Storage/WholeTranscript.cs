using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace SupportBot.Bot.Storage;

/// <summary>A conversation's whole transcript, read from a transcript store page by page.</summary>
public static class WholeTranscript
{
    /// <summary>
    /// The conversation's activities in order; reading stops once more than <paramref name="atMost"/>
    /// are in hand, so a caller with a bound can tell the conversation was longer.
    /// </summary>
    public static async Task<List<IActivity>> ReadWholeTranscriptAsync(
        this ITranscriptStore store, string channelId, string conversationId, int atMost = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var activities = new List<IActivity>();
        string? continuation = null;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await store.GetTranscriptActivitiesAsync(channelId, conversationId, continuation);
            activities.AddRange(page.Items);
            continuation = page.ContinuationToken;
        }
        while (continuation is not null && activities.Count <= atMost);

        return activities;
    }
}
