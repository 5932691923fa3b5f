using Microsoft.Bot.Schema;

namespace SupportBot.Web.Channels.DirectLine.History;

/// <summary>A Direct Line conversation: who it belongs to and when it started.</summary>
public sealed record DirectLineConversation(string Id, string UserId, DateTimeOffset StartedAt);

/// <summary>An activity as stored: its watermark (its position in the conversation) and its JSON.</summary>
public sealed record StoredActivity(long Watermark, string Json);

/// <summary>Activities after a watermark, oldest first, and the watermark to ask from next time.</summary>
public sealed record ActivityPage(IReadOnlyList<StoredActivity> Activities, long Watermark);

/// <summary>
/// The Direct Line's conversations and their activities. Each conversation numbers its activities
/// 1, 2, 3, ... (the watermark) in the order they were appended, and an activity's id is
/// <c>{conversationId}|{watermark:0000000}</c>, as Azure's are.
/// </summary>
public interface IDirectLineStore
{
    /// <summary>Starts a conversation; false when one with that id exists already (it is left as it was).</summary>
    Task<bool> TryStartAsync(DirectLineConversation conversation, CancellationToken cancellationToken);

    Task<DirectLineConversation?> FindAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Appends the activity after every other one, sets its <c>Id</c>, and returns it as stored: its watermark and JSON.</summary>
    /// <exception cref="ConversationNotFoundException">The conversation was never started.</exception>
    Task<StoredActivity> AppendAsync(string conversationId, Activity activity, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> activities after <paramref name="watermark"/>, oldest first.</summary>
    Task<ActivityPage> ReadAsync(string conversationId, long watermark, int limit, CancellationToken cancellationToken);
}

/// <summary>An activity was appended to a conversation that was never started.</summary>
public sealed class ConversationNotFoundException(string conversationId)
    : Exception($"There is no Direct Line conversation '{conversationId}'.")
{
    public string ConversationId { get; } = conversationId;
}
