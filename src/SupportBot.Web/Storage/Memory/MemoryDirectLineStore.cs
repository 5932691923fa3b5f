using Microsoft.Bot.Schema;
using SupportBot.Web.Channels.DirectLine.History;

namespace SupportBot.Web.Storage.Memory;

/// <summary>Conversations in the process's memory (lost on restart): for tests and <c>Storage:Provider = Memory</c>.</summary>
public sealed class MemoryDirectLineStore : IDirectLineStore
{
    private readonly Dictionary<string, Log> _conversations = new(StringComparer.Ordinal);

    public Task<bool> TryStartAsync(DirectLineConversation conversation, CancellationToken cancellationToken)
    {
        lock (_conversations)
        {
            return Task.FromResult(_conversations.TryAdd(conversation.Id, new Log(conversation)));
        }
    }

    public Task<DirectLineConversation?> FindAsync(string conversationId, CancellationToken cancellationToken) =>
        Task.FromResult(Get(conversationId)?.Conversation);

    public Task<StoredActivity> AppendAsync(string conversationId, Activity activity, CancellationToken cancellationToken)
    {
        var log = Get(conversationId) ?? throw new ConversationNotFoundException(conversationId);
        lock (log)
        {
            var watermark = log.Activities.Count + 1L;
            activity.Id = ActivityJson.ActivityId(conversationId, watermark);
            var stored = new StoredActivity(watermark, ActivityJson.Serialize(activity));
            log.Activities.Add(stored);
            return Task.FromResult(stored);
        }
    }

    public Task<ActivityPage> ReadAsync(string conversationId, long watermark, int limit, CancellationToken cancellationToken)
    {
        var log = Get(conversationId) ?? throw new ConversationNotFoundException(conversationId);
        lock (log)
        {
            // Watermark n is at index n - 1.
            var from = (int)Math.Clamp(watermark, 0, log.Activities.Count);
            var page = log.Activities.GetRange(from, Math.Min(limit, log.Activities.Count - from));
            return Task.FromResult(new ActivityPage(page, page.Count > 0 ? page[^1].Watermark : Math.Min(watermark, log.Activities.Count)));
        }
    }

    // Erasure (IUserDataEraser): a user's conversations and their removal.

    /// <summary>The conversations the user started.</summary>
    internal IReadOnlyList<string> ConversationsOf(string userId)
    {
        lock (_conversations)
        {
            return _conversations.Values.Where(l => l.Conversation.UserId == userId).Select(l => l.Conversation.Id).ToList();
        }
    }

    /// <summary>Removes the conversations with their activities; the rows removed (conversations and activities).</summary>
    internal int Erase(IEnumerable<string> conversationIds)
    {
        lock (_conversations)
        {
            var removed = 0;
            foreach (var id in conversationIds)
            {
                if (_conversations.Remove(id, out var log))
                {
                    lock (log)
                    {
                        removed += 1 + log.Activities.Count;
                    }
                }
            }

            return removed;
        }
    }

    private Log? Get(string conversationId)
    {
        lock (_conversations)
        {
            return _conversations.GetValueOrDefault(conversationId);
        }
    }

    private sealed record Log(DirectLineConversation Conversation)
    {
        public List<StoredActivity> Activities { get; } = [];
    }

    // Retention (docs/privacy.md): kept apart at the end of the class.

    /// <summary>Deletes at most <paramref name="limit"/> conversations started before <paramref name="cutoff"/>, with their activities; returns the rows (activities and conversations) deleted.</summary>
    internal int DeleteStartedBefore(DateTimeOffset cutoff, int limit)
    {
        lock (_conversations)
        {
            var expired = _conversations.Values.Where(log => log.Conversation.StartedAt < cutoff).Take(limit).ToList();
            var rows = 0;
            foreach (var log in expired)
            {
                lock (log)
                {
                    rows += log.Activities.Count + 1;
                }

                _conversations.Remove(log.Conversation.Id);
            }

            return rows;
        }
    }
}
