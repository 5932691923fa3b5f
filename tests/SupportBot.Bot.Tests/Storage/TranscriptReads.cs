using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace SupportBot.Bot.Tests.Storage;

/// <summary>Reading back what a transcript middleware logged, which it may write after the turn is over.</summary>
public static class TranscriptReads
{
    /// <summary>The conversation's first page once it holds <paramref name="count"/> activities (or after 10 s).</summary>
    public static async Task<IActivity[]> LoggedAsync(this ITranscriptStore store, string conversationId, int count)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var page = await store.GetTranscriptActivitiesAsync("test", conversationId);
            if (page.Items.Length >= count || waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                return page.Items;
            }

            await Task.Delay(20);
        }
    }
}
