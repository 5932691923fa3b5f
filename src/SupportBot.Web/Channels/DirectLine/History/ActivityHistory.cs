using Microsoft.Bot.Schema;

namespace SupportBot.Web.Channels.DirectLine.History;

/// <summary>The Direct Line conversation's activity history, written here: appends an activity to its conversation, stamped with the server's time, and tells the conversation's WebSockets.</summary>
public sealed class ActivityHistory(IDirectLineStore store, IConversationNotifier notifier, OpenActivityStreams openStreams, TimeProvider time)
{
    /// <summary>Stores the activity (its <c>Id</c> is set) and returns its watermark.</summary>
    public async Task<long> AppendAsync(string conversationId, Activity activity, CancellationToken cancellationToken)
    {
        activity.Timestamp = time.GetUtcNow();
        var stored = await store.AppendAsync(conversationId, activity, cancellationToken);

        // Before the notification: a stream of this process woken by it finds the activity at hand.
        openStreams.Appended(conversationId, stored);
        notifier.Publish(conversationId, stored.Watermark);
        return stored.Watermark;
    }
}
