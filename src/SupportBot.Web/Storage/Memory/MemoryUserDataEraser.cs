using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;
using SupportBot.Web.Channels.DirectLine;
using SupportBot.Web.Privacy;

namespace SupportBot.Web.Storage.Memory;

/// <summary>Erases a user from the memory stores: state and transcripts through their SDK contracts, the rest through the stores' own erasure methods.</summary>
public sealed class MemoryUserDataEraser(
    IStorage state,
    ITranscriptStore transcripts,
    MemoryTicketStore tickets,
    MemoryQuestionInsights questions,
    MemoryDirectLineStore directLine,
    MemoryHandoffStore handoffs) : IUserDataEraser
{
    public async Task<UserErasure> EraseUserAsync(string channelId, string userId, CancellationToken cancellationToken = default)
    {
        var spokeIn = await ConversationsUserSpokeInAsync(channelId, userId, cancellationToken);
        var startedOnDirectLine = channelId == DirectLineChannel.ChannelId ? directLine.ConversationsOf(userId) : [];
        var conversations = new HashSet<string>(
            [.. spokeIn.Keys, .. tickets.ConversationsOf(channelId, userId), .. startedOnDirectLine, .. handoffs.ConversationsOf(channelId, userId)],
            StringComparer.Ordinal);

        var keys = UserErasureRules.StateKeys(channelId, userId, conversations).ToArray();
        var stored = await state.ReadAsync(keys, cancellationToken);
        await state.DeleteAsync(keys, cancellationToken);

        var transcriptActivities = 0;
        foreach (var conversation in conversations)
        {
            transcriptActivities += spokeIn.TryGetValue(conversation, out var count) ? count : await CountActivitiesAsync(channelId, conversation);
            await transcripts.DeleteTranscriptAsync(channelId, conversation);
        }

        return new UserErasure(
            stored.Count,
            transcriptActivities,
            channelId == DirectLineChannel.ChannelId ? directLine.Erase(conversations) : 0,
            questions.EraseConversations(conversations),
            tickets.Anonymise(channelId, userId),
            handoffs.Erase(channelId, conversations));
    }

    // Memory transcripts have no index by user: every conversation of the channel is read (a test-sized store).
    private async Task<Dictionary<string, int>> ConversationsUserSpokeInAsync(string channelId, string userId, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await transcripts.ListTranscriptsAsync(channelId, token);
            foreach (var conversation in page.Items)
            {
                var activities = await ActivitiesAsync(channelId, conversation.Id);
                if (activities.Any(a => a.From?.Id == userId))
                {
                    found[conversation.Id] = activities.Count;
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return found;
    }

    private async Task<int> CountActivitiesAsync(string channelId, string conversationId) => (await ActivitiesAsync(channelId, conversationId)).Count;

    private async Task<List<IActivity>> ActivitiesAsync(string channelId, string conversationId)
    {
        var activities = new List<IActivity>();
        string? token = null;
        do
        {
            var page = await transcripts.GetTranscriptActivitiesAsync(channelId, conversationId, token);
            activities.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return activities;
    }
}
