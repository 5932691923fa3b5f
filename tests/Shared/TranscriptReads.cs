using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using Stopwatch = System.Diagnostics.Stopwatch;

namespace SupportBot.Testing;

/// <summary>Reading back what a transcript middleware logged, which it may write after the turn is over.</summary>
public static class TranscriptReads
{
    /// <summary>The conversation's first page once it holds <paramref name="count"/> activities (or after 10 s).</summary>
    public static Task<IActivity[]> LoggedAsync(this ITranscriptStore store, string conversationId, int count) =>
        store.LoggedAsync(conversationId, items => items.Length >= count);

    /// <summary>The conversation's transcript once <paramref name="done"/> holds for it (or after 10 s, for the test to fail on).</summary>
    public static async Task<IActivity[]> LoggedAsync(this ITranscriptStore store, string conversationId, Func<IActivity[], bool> done)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var page = await store.GetTranscriptActivitiesAsync("test", conversationId);
            if (done(page.Items) || waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                return page.Items;
            }

            await Task.Delay(20);
        }
    }
}
